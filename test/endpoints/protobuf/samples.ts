/**
 * One realistic, fully populated object per kind with a protobuf form, in the JSON
 * shape the API stores: maps, lists, timestamps, int-or-string, quantities, bytes.
 * Zero values appear only where kube's JSON keeps them (pointers, non-omitempty).
 */

export type Obj = Record<string, unknown>;

export const T1 = '2026-01-02T03:04:05Z';
export const T2 = '2026-03-04T05:06:07Z';

export const meta = (name: string, namespace?: string, extra: Obj = {}): Obj => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: '5f0d2b4e-8c1a-4a57-9b62-0c3f1e2d4a5b',
  resourceVersion: '12345',
  generation: 3,
  creationTimestamp: T1,
  labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop', tier: '' },
  annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"x"}\n', note: 'ünïcødé ✓' },
  managedFields: [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
    },
    { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} }, subresource: 'status' },
  ],
  ...extra,
});

export const deletingMeta = (name: string, namespace?: string): Obj =>
  meta(name, namespace, {
    generateName: `${name}-`,
    deletionTimestamp: T2,
    deletionGracePeriodSeconds: 0,
    finalizers: ['kubernetes.io/pvc-protection', 'example.com/cleanup'],
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6d', uid: 'a1b2c3d4-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'a1b2c3d4-0000-4000-8000-000000000002', controller: false },
    ],
  });

export const selector = {
  matchLabels: { app: 'web' },
  matchExpressions: [
    { key: 'tier', operator: 'In', values: ['frontend', 'edge'] },
    { key: 'legacy', operator: 'DoesNotExist' },
  ],
};

const resources = {
  limits: { cpu: '500m', memory: '128Mi', 'nvidia.com/gpu': '1' },
  requests: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1Gi' },
  claims: [{ name: 'gpu', request: 'big' }],
};

export const container = (name: string): Obj => ({
  name,
  image: 'registry.example.com/web:1.2.3',
  command: ['/bin/web'],
  args: ['--port=8080', '--verbose'],
  workingDir: '/srv',
  ports: [
    { name: 'http', containerPort: 8080, protocol: 'TCP' },
    { name: 'metrics', hostPort: 9090, containerPort: 9090, protocol: 'UDP', hostIP: '0.0.0.0' },
  ],
  envFrom: [
    { prefix: 'CFG_', configMapRef: { name: 'web-config', optional: true } },
    { secretRef: { name: 'web-secret' } },
  ],
  env: [
    { name: 'PLAIN', value: 'x' },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { containerName: name, resource: 'limits.cpu', divisor: '1m' } } },
    { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'mode', optional: false } } },
    { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'token' } } },
  ],
  resources,
  resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
  volumeMounts: [
    { name: 'data', mountPath: '/data' },
    { name: 'config', readOnly: true, mountPath: '/etc/web', subPath: 'web.yaml', mountPropagation: 'None' },
    { name: 'logs', mountPath: '/var/log/web', subPathExpr: '$(POD_NAME)', recursiveReadOnly: 'Disabled' },
  ],
  volumeDevices: [{ name: 'block', devicePath: '/dev/xvda' }],
  livenessProbe: {
    httpGet: { path: '/healthz', port: 'http', host: '127.0.0.1', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'live' }] },
    initialDelaySeconds: 5,
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
    terminationGracePeriodSeconds: 30,
  },
  readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, successThreshold: 2, failureThreshold: 3, timeoutSeconds: 1 },
  startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1 },
  lifecycle: {
    postStart: { exec: { command: ['/bin/sh', '-c', 'echo started'] } },
    preStop: { sleep: { seconds: 5 } },
  },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'FallbackToLogsOnError',
  imagePullPolicy: 'IfNotPresent',
  securityContext: {
    capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
    privileged: false,
    seLinuxOptions: { user: 'system_u', role: 'system_r', type: 'container_t', level: 's0:c123,c456' },
    windowsOptions: { gmsaCredentialSpecName: 'gmsa', runAsUserName: 'ContainerUser', hostProcess: false },
    runAsUser: 1000,
    runAsGroup: 0,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    procMount: 'Default',
    seccompProfile: { type: 'RuntimeDefault' },
    appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-web' },
  },
  stdin: true,
  stdinOnce: true,
  tty: true,
});

export const podSpec = (): Obj => ({
  volumes: [
    { name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
    { name: 'scratch', emptyDir: {} },
    { name: 'config', configMap: { name: 'web-config', items: [{ key: 'web.yaml', path: 'web.yaml', mode: 420 }], defaultMode: 420, optional: true } },
    { name: 'tls', secret: { secretName: 'web-tls', items: [{ key: 'tls.crt', path: 'tls.crt' }], defaultMode: 256, optional: false } },
    { name: 'host', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
    { name: 'claim', persistentVolumeClaim: { claimName: 'web-data', readOnly: true } },
    { name: 'nfs', nfs: { server: 'nfs.example.com', path: '/exports/web', readOnly: true } },
    {
      name: 'podinfo',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } },
          { path: 'cpu', resourceFieldRef: { containerName: 'web', resource: 'requests.cpu', divisor: '1m' }, mode: 292 },
        ],
        defaultMode: 420,
      },
    },
    {
      name: 'projected',
      projected: {
        sources: [
          { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { secret: { name: 'extra', optional: true } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          { clusterTrustBundle: { signerName: 'example.com/signer', labelSelector: { matchLabels: { trust: 'yes' } }, path: 'bundle.pem', optional: true } },
        ],
        defaultMode: 420,
      },
    },
    { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, fsType: 'ext4', volumeAttributes: { secretProviderClass: 'vault' }, nodePublishSecretRef: { name: 'csi-creds' } } },
    {
      name: 'ephemeral',
      ephemeral: {
        volumeClaimTemplate: {
          metadata: { labels: { type: 'scratch' } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            selector: { matchLabels: { disk: 'ssd' } },
            resources: { requests: { storage: '1Gi' }, limits: { storage: '2Gi' } },
            storageClassName: 'fast',
            volumeMode: 'Filesystem',
            dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' },
            dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap', namespace: 'other' },
            volumeAttributesClassName: 'gold',
          },
        },
      },
    },
    { name: 'image', image: { reference: 'registry.example.com/data:1', pullPolicy: 'IfNotPresent' } },
  ],
  initContainers: [{ ...container('init'), restartPolicy: 'Always' }],
  containers: [container('web'), { name: 'sidecar', image: 'busybox', resources: {} }],
  ephemeralContainers: [{ name: 'debugger', image: 'busybox', command: ['sh'], stdin: true, tty: true, resources: {}, targetContainerName: 'web' }],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  activeDeadlineSeconds: 3600,
  dnsPolicy: 'ClusterFirst',
  nodeSelector: { 'kubernetes.io/os': 'linux', disktype: 'ssd' },
  serviceAccountName: 'web',
  serviceAccount: 'web',
  automountServiceAccountToken: false,
  nodeName: 'node-1',
  hostNetwork: true,
  hostPID: true,
  hostIPC: true,
  shareProcessNamespace: true,
  securityContext: {
    seLinuxOptions: { level: 's0:c1,c2' },
    windowsOptions: { runAsUserName: 'ContainerAdministrator' },
    runAsUser: 1000,
    runAsGroup: 3000,
    runAsNonRoot: true,
    supplementalGroups: [4000, 5000],
    supplementalGroupsPolicy: 'Merge',
    fsGroup: 2000,
    sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' },
    appArmorProfile: { type: 'RuntimeDefault' },
    seLinuxChangePolicy: 'MountOption',
  },
  imagePullSecrets: [{ name: 'regcred' }],
  hostname: 'web-0',
  subdomain: 'web',
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['bad-node'] }] },
        ],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disktype', operator: 'Exists' }] } }],
    },
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: selector, namespaces: ['default'], topologyKey: 'kubernetes.io/hostname', namespaceSelector: { matchLabels: { team: 'a' } }, matchLabelKeys: ['pod-template-hash'], mismatchLabelKeys: ['tenant'] },
      ],
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }],
    },
  },
  schedulerName: 'default-scheduler',
  tolerations: [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    { operator: 'Exists' },
  ],
  hostAliases: [{ ip: '10.0.0.1', hostnames: ['db', 'db.local'] }],
  priorityClassName: 'high',
  priority: 0,
  dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
  readinessGates: [{ conditionType: 'example.com/ready' }],
  runtimeClassName: 'gvisor',
  enableServiceLinks: false,
  preemptionPolicy: 'Never',
  overhead: { cpu: '100m', memory: '10Mi' },
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, minDomains: 2, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore', matchLabelKeys: ['pod-template-hash'] },
  ],
  setHostnameAsFQDN: false,
  os: { name: 'linux' },
  hostUsers: false,
  schedulingGates: [{ name: 'example.com/gate' }],
  resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu-template' }, { name: 'shared', resourceClaimName: 'shared-claim' }],
  resources: { limits: { cpu: '2' }, requests: { cpu: '1' } },
});

const containerStatus = (name: string): Obj => ({
  name,
  state: { running: { startedAt: T1 } },
  lastState: { terminated: { exitCode: 0, signal: 9, reason: 'OOMKilled', message: 'out of memory', startedAt: T1, finishedAt: T2, containerID: 'containerd://abc' } },
  ready: false,
  restartCount: 0,
  image: 'registry.example.com/web:1.2.3',
  imageID: 'registry.example.com/web@sha256:0123',
  containerID: 'containerd://def',
  started: false,
  allocatedResources: { cpu: '250m', memory: '64Mi' },
  resources: { limits: { cpu: '500m' }, requests: { cpu: '250m' } },
  volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true, recursiveReadOnly: 'Disabled' }],
  user: { linux: { uid: 1000, gid: 0, supplementalGroups: [4000, 5000] } },
  allocatedResourcesStatus: [{ name: 'claim:gpu', resources: [{ resourceID: 'gpu-0', health: 'Healthy' }] }],
});

const podStatus = (): Obj => ({
  phase: 'Running',
  conditions: [
    { type: 'Ready', status: 'False', lastProbeTime: T2, lastTransitionTime: T1, reason: 'ContainersNotReady', message: 'containers with unready status: [web]' },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: T1 },
  ],
  message: 'running',
  reason: 'Evicted',
  nominatedNodeName: 'node-2',
  hostIP: '192.168.1.10',
  hostIPs: [{ ip: '192.168.1.10' }, { ip: 'fd00::10' }],
  podIP: '10.244.1.5',
  podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00:244::5' }],
  startTime: T1,
  initContainerStatuses: [{ ...containerStatus('init'), state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: T1, finishedAt: T1 } }, lastState: {} }],
  containerStatuses: [containerStatus('web'), { name: 'sidecar', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } }, lastState: {}, ready: true, restartCount: 7, image: 'busybox', imageID: '', started: true }],
  qosClass: 'Burstable',
  ephemeralContainerStatuses: [{ name: 'debugger', state: {}, lastState: {}, ready: false, restartCount: 0, image: 'busybox', imageID: '' }],
  resize: 'InProgress',
  resourceClaimStatuses: [{ name: 'gpu', resourceClaimName: 'web-gpu-abc12' }],
});

const policyRules = [
  { verbs: ['get', 'list', 'watch'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments/scale'], resourceNames: ['web'] },
  { verbs: ['get'], nonResourceURLs: ['/healthz', '/version/*'] },
];

const subjects = [
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice@example.com' },
  { kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' },
  { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
];

const resourceAttributes = {
  namespace: 'default',
  verb: 'list',
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  subresource: 'scale',
  name: 'web',
  fieldSelector: { rawSelector: 'metadata.name=web', requirements: [{ key: 'metadata.name', operator: 'In', values: ['web'] }] },
  labelSelector: { rawSelector: 'app=web', requirements: [{ key: 'app', operator: 'In', values: ['web'] }] },
};

const accessReviewStatus = { allowed: false, denied: true, reason: 'no RBAC policy matched', evaluationError: 'webhook unavailable' };

const serviceSpec = {
  ports: [
    { name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http', nodePort: 30080 },
    { name: 'grpc', protocol: 'TCP', port: 9000, targetPort: 9000 },
    { name: 'dns', protocol: 'UDP', port: 53, targetPort: 0 },
  ],
  selector: { app: 'web' },
  clusterIP: '10.96.0.10',
  clusterIPs: ['10.96.0.10', 'fd00:96::a'],
  type: 'LoadBalancer',
  externalIPs: ['203.0.113.7'],
  sessionAffinity: 'ClientIP',
  loadBalancerIP: '198.51.100.1',
  loadBalancerSourceRanges: ['10.0.0.0/8'],
  externalTrafficPolicy: 'Local',
  healthCheckNodePort: 31000,
  publishNotReadyAddresses: true,
  sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
  ipFamilies: ['IPv4', 'IPv6'],
  ipFamilyPolicy: 'PreferDualStack',
  allocateLoadBalancerNodePorts: false,
  loadBalancerClass: 'example.com/lb',
  internalTrafficPolicy: 'Cluster',
  trafficDistribution: 'PreferClose',
};

/** Sample objects by "apiVersion/kind". */
export const SAMPLES: Record<string, Obj> = {
  'v1/Namespace': {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: deletingMeta('team-a'),
    spec: { finalizers: ['kubernetes'] },
    status: {
      phase: 'Terminating',
      conditions: [
        { type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: T2, reason: 'ContentDeleted', message: 'All content successfully deleted' },
        { type: 'NamespaceFinalizersRemaining', status: 'True', lastTransitionTime: T2 },
      ],
    },
  },
  'v1/ConfigMap': {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('web-config', 'default'),
    data: { 'web.yaml': 'port: 8080\nmode: fast\n', empty: '', 'ключ': 'значение' },
    binaryData: { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64'), none: '' },
    immutable: false,
  },
  'v1/Secret': {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta('web-tls', 'default'),
    data: { 'tls.crt': Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64'), 'tls.key': Buffer.from([0, 1, 2, 3, 254, 255]).toString('base64'), blank: '' },
    stringData: { extra: 'plain text' },
    type: 'kubernetes.io/tls',
    immutable: true,
  },
  'v1/Service': {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('web', 'default'),
    spec: serviceSpec,
    status: {
      loadBalancer: { ingress: [{ ip: '198.51.100.1', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP', error: 'PortUnreachable' }] }, { hostname: 'lb.example.com' }] },
      conditions: [{ type: 'LoadBalancerReady', status: 'True', observedGeneration: 3, lastTransitionTime: T1, reason: 'Provisioned', message: '' }],
    },
  },
  'v1/Endpoints': {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta('web', 'default'),
    subsets: [
      {
        addresses: [
          { ip: '10.244.1.5', hostname: 'web-0', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'b1', resourceVersion: '77' } },
          { ip: '10.244.2.6' },
        ],
        notReadyAddresses: [{ ip: '10.244.3.7', targetRef: { kind: 'Pod', name: 'web-2', fieldPath: 'spec.containers{web}', apiVersion: 'v1' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }, { port: 9000, protocol: 'TCP' }],
      },
    ],
  },
  'v1/ServiceAccount': {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta('web', 'default'),
    secrets: [{ name: 'web-token-abcde' }, { kind: 'Secret', namespace: 'default', name: 'other' }],
    imagePullSecrets: [{ name: 'regcred' }],
    automountServiceAccountToken: false,
  },
  'v1/Event': {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: meta('web-0.17f3a1b2c3d4e5f6', 'default'),
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'b1', apiVersion: 'v1', resourceVersion: '77', fieldPath: 'spec.containers{web}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container web',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: T1,
    lastTimestamp: T2,
    count: 5,
    type: 'Warning',
    eventTime: '2026-01-02T03:04:05.123456Z',
    series: { count: 4, lastObservedTime: '2026-03-04T05:06:07.000001Z' },
    action: 'Restarting',
    related: { kind: 'Node', name: 'node-1', apiVersion: 'v1' },
    reportingComponent: 'kubelet',
    reportingInstance: '',
  },
  'v1/Pod': { apiVersion: 'v1', kind: 'Pod', metadata: deletingMeta('web-0', 'default'), spec: podSpec(), status: podStatus() },
  'v1/Binding': {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: 'web-0', namespace: 'default', uid: 'b1' },
    target: { kind: 'Node', name: 'node-1', apiVersion: 'v1' },
  },
  'v1/ResourceQuota': {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta('compute', 'default'),
    spec: {
      hard: { 'requests.cpu': '4', 'limits.memory': '8Gi', pods: '10', 'count/deployments.apps': '5' },
      scopes: ['NotTerminating', 'NotBestEffort'],
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high', 'medium'] }, { scopeName: 'CrossNamespacePodAffinity', operator: 'Exists' }] },
    },
    status: { hard: { 'requests.cpu': '4', pods: '10' }, used: { 'requests.cpu': '1500m', pods: '0' } },
  },
  'apps/v1/Deployment': {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('web', 'default', { generation: 7 }),
    spec: {
      replicas: 0,
      selector,
      template: { metadata: { labels: { app: 'web', tier: 'frontend' }, annotations: { 'kubectl.kubernetes.io/restartedAt': T2 } }, spec: podSpec() },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
      minReadySeconds: 10,
      revisionHistoryLimit: 0,
      paused: true,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 7,
      replicas: 3,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: T1, lastTransitionTime: T1, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'Unknown', lastUpdateTime: T2, lastTransitionTime: T1, reason: 'NewReplicaSetAvailable' },
      ],
      collisionCount: 0,
    },
  },
  'autoscaling/v1/Scale': {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: meta('web', 'default'),
    spec: { replicas: 5 },
    status: { replicas: 0, selector: 'app=web,tier in (edge,frontend)' },
  },
  'discovery.k8s.io/v1/EndpointSlice': {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { ...meta('api-x7k2p', 'ns1'), labels: { 'kubernetes.io/service-name': 'api', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
    endpoints: [
      {
        addresses: ['10.1.0.1'],
        conditions: { ready: true, serving: true, terminating: false },
        hostname: 'api-0',
        targetRef: { kind: 'Pod', namespace: 'ns1', name: 'api-0', uid: '7d0c2f4e-1b2a-4c3d-8e9f-0a1b2c3d4e5f' },
        deprecatedTopology: { 'topology.kubernetes.io/region': 'r1' },
        nodeName: 'node-1',
        zone: 'z1',
        hints: { forZones: [{ name: 'z1' }], forNodes: [{ name: 'node-1' }] },
      },
      { addresses: ['10.1.0.2'], conditions: { ready: false } },
    ],
    ports: [
      { name: 'https', protocol: 'TCP', port: 8443, appProtocol: 'https' },
      { name: '', protocol: 'UDP' },
    ],
    addressType: 'IPv4',
  },
  'coordination.k8s.io/v1/Lease': {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: meta('node-1', 'kube-node-lease'),
    spec: {
      holderIdentity: 'node-1_5c1f',
      leaseDurationSeconds: 40,
      acquireTime: '2026-01-02T03:04:05.000000Z',
      renewTime: '2026-03-04T05:06:07.654321Z',
      leaseTransitions: 0,
      strategy: 'OldestEmulationVersion',
      preferredHolder: 'node-2',
    },
  },
  'rbac.authorization.k8s.io/v1/Role': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta('reader', 'default'),
    rules: [policyRules[0]],
  },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta('monitoring'),
    rules: policyRules,
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }, selector] },
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta('reader-binding', 'default'),
    subjects,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
  },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: meta('monitoring-binding'),
    subjects,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'monitoring' },
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes },
    status: { allowed: true },
  },
  'authorization.k8s.io/v1/SubjectAccessReview': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: { creationTimestamp: T1 },
    spec: {
      nonResourceAttributes: { path: '/metrics', verb: 'get' },
      user: 'alice@example.com',
      groups: ['system:authenticated', 'devs'],
      extra: { 'authentication.kubernetes.io/pod-name': ['web-0'], scopes: ['a', 'b'], none: [] },
      uid: '1001',
    },
    status: accessReviewStatus,
  },
  'authorization.k8s.io/v1/LocalSubjectAccessReview': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'LocalSubjectAccessReview',
    metadata: { namespace: 'default' },
    spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' }, user: 'bob' },
    status: { allowed: false },
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: {},
    spec: { namespace: 'default' },
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['x'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }],
      incomplete: false,
      evaluationError: 'partial',
    },
  },
  'meta.k8s.io/v1/PartialObjectMetadata': { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: deletingMeta('web-0', 'default') },
  'v1/Status': {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    reason: 'Invalid',
    details: {
      name: 'web',
      group: 'apps',
      kind: 'Deployment',
      uid: 'c1',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }, { reason: 'FieldValueRequired' }],
      retryAfterSeconds: 5,
    },
    code: 422,
  },
  'v1/DeleteOptions': {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 0,
    preconditions: { uid: 'c1', resourceVersion: '42' },
    orphanDependents: false,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
    ignoreStoreReadErrorWithClusterBreakingPotential: false,
  },
};

/**
 * A list of the given item kind, from the item's sample in `samples`: two items (no
 * apiVersion/kind of their own, as kube's lists have them), list metadata.
 */
export function sampleList(apiVersion: string, listKind: string, samples: Record<string, Obj> = SAMPLES): Obj {
  const itemKind = listKind.slice(0, -'List'.length);
  const item = samples[`${apiVersion}/${itemKind}`];
  if (!item) throw new Error(`no sample for ${apiVersion}/${itemKind}`);
  const { apiVersion: _v, kind: _k, ...rest } = item;
  const second = { ...rest, metadata: { name: 'second', resourceVersion: '2' } };
  return {
    apiVersion,
    kind: listKind,
    metadata: { selfLink: '/x', resourceVersion: '12346', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', remainingItemCount: 0 },
    items: [rest, second],
  };
}
