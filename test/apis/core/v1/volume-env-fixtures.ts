/** Pod spec parts that kube 1.32 accepts: every common volume type and every env source, as real manifests write them. */
type Obj = Record<string, unknown>;

export const VALID_VOLUMES: Obj[] = [
  { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
  { name: 'host', hostPath: { path: '/var/log', type: 'DirectoryOrCreate' } },
  { name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'app.yaml', path: 'conf/app.yaml', mode: 0o600 }], optional: true } },
  { name: 'tls', secret: { secretName: 'app-tls', defaultMode: 0o400 } },
  { name: 'data', persistentVolumeClaim: { claimName: 'data-0', readOnly: true } },
  {
    name: 'info',
    downwardAPI: {
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'team', fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['example.com/team']" } },
        { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } },
      ],
    },
  },
  {
    name: 'bundle',
    projected: {
      sources: [
        { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 600 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        { secret: { name: 'extra' } },
      ],
    },
  },
  { name: 'share', nfs: { server: 'nfs.example.com', path: '/exports/share' } },
  { name: 'inline', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, nodePublishSecretRef: { name: 'creds' } } },
  {
    name: 'cache',
    ephemeral: { volumeClaimTemplate: { metadata: { labels: { app: 'x' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
  },
  { name: 'legacy' },
];

export const VALID_ENV: Obj = {
  env: [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_IPS', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIPs' } } },
    { name: 'APP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['app.kubernetes.io/name']" } } },
    { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
    { name: 'HP', valueFrom: { resourceFieldRef: { containerName: 'c', resource: 'requests.hugepages-2Mi' } } },
    { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'log.level', optional: true } } },
    { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'TOKEN' } } },
    { name: 'EMPTY', value: '', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
  ],
  envFrom: [{ configMapRef: { name: 'app-config' } }, { prefix: 'DB_', secretRef: { name: 'db-' } }],
};

