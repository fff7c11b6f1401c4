/**
 * Realistic, fully populated policy and cluster objects (policy/v1 PodDisruptionBudget,
 * networking.k8s.io/v1 Ingress and NetworkPolicy, scheduling.k8s.io/v1 PriorityClass, v1
 * LimitRange, events.k8s.io/v1 Event) in the JSON shape the API stores. As in samples.ts,
 * zero values appear only where kube's JSON keeps them.
 */
import { meta, selector, T1, T2, type Obj } from './samples.js';

const backend = (name: string, port: { name: string } | { number: number }): Obj => ({ service: { name, port } });

/** Sample objects by "apiVersion/kind". */
export const CLUSTER_SAMPLES: Record<string, Obj> = {
  'policy/v1/PodDisruptionBudget': {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta('web', 'default'),
    spec: { minAvailable: '50%', selector, maxUnavailable: 0, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    status: {
      observedGeneration: 3,
      disruptedPods: { 'web-0': T2, 'web-1': T1 },
      disruptionsAllowed: 0,
      currentHealthy: 2,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 3, lastTransitionTime: T1, reason: 'InsufficientPods', message: '' }],
    },
  },
  'networking.k8s.io/v1/Ingress': {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta('shop', 'default', { annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } }),
    spec: {
      ingressClassName: 'nginx',
      defaultBackend: backend('default-http', { number: 80 }),
      tls: [{ hosts: ['shop.example.com', 'www.shop.example.com'], secretName: 'shop-tls' }, { hosts: ['*.example.org'] }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: backend('web', { name: 'http' }) },
              { path: '/static', pathType: 'ImplementationSpecific', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static-assets' } } },
            ],
          },
        },
        { http: { paths: [{ path: '/healthz', pathType: 'Exact', backend: backend('health', { number: 8080 }) }] } },
        { host: '*.example.org' },
      ],
    },
    status: {
      loadBalancer: {
        ingress: [
          { ip: '203.0.113.10', ports: [{ port: 443, protocol: 'TCP' }, { port: 80, protocol: 'TCP', error: 'Pending' }] },
          { hostname: 'lb.example.com' },
        ],
      },
    },
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('web', 'default'),
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        {
          ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 'metrics' }, { protocol: 'UDP', port: 32000, endPort: 32768 }],
          from: [
            { podSelector: { matchLabels: { role: 'frontend' } }, namespaceSelector: selector },
            { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] } },
          ],
        },
        {},
      ],
      egress: [{ ports: [{ protocol: 'UDP', port: 53 }], to: [{ namespaceSelector: {} }] }],
      policyTypes: ['Ingress', 'Egress'],
    },
  },
  'scheduling.k8s.io/v1/PriorityClass': {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: meta('high-priority'),
    value: 1000000,
    globalDefault: true,
    description: 'Latency-sensitive services; preempts batch work.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  'v1/LimitRange': {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta('defaults', 'default'),
    spec: {
      limits: [
        {
          type: 'Container',
          max: { cpu: '2', memory: '1Gi' },
          min: { cpu: '100m', memory: '4Mi' },
          default: { cpu: '500m', memory: '256Mi' },
          defaultRequest: { cpu: '250m', memory: '128Mi' },
          maxLimitRequestRatio: { cpu: '4' },
        },
        { type: 'Pod', max: { cpu: '4', memory: '2Gi' } },
        { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '50Gi' } },
      ],
    },
  },
  'events.k8s.io/v1/Event': {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: meta('web-0.17f3a1b2c3d4e5f6', 'default'),
    eventTime: '2026-01-02T03:04:05.123456Z',
    series: { count: 2, lastObservedTime: '2026-03-04T05:06:07.000001Z' },
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    action: 'Pulling',
    reason: 'Pulling',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'b1', apiVersion: 'v1', resourceVersion: '77', fieldPath: 'spec.containers{web}' },
    related: { kind: 'Node', name: 'node-1', apiVersion: 'v1' },
    note: 'Pulling image "registry.example.com/web:1.2.3"',
    type: 'Normal',
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
    deprecatedFirstTimestamp: T1,
    deprecatedLastTimestamp: T2,
    deprecatedCount: 3,
  },
  'authentication.k8s.io/v1/TokenRequest': {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: meta('builder', 'default'),
    spec: { audiences: ['https://kubernetes.default.svc', 'vault'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'b1' } },
    status: { token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', expirationTimestamp: T2 },
  },
  'authentication.k8s.io/v1/TokenReview': {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    metadata: {},
    spec: { token: 'abc.def.ghi', audiences: ['vault'] },
    status: {
      authenticated: true,
      user: { username: 'system:serviceaccount:default:builder', uid: 'u1', groups: ['system:serviceaccounts', 'system:authenticated'], extra: { 'authentication.kubernetes.io/pod-name': ['web-0'] } },
      audiences: ['vault'],
    },
  },
  'authentication.k8s.io/v1/SelfSubjectReview': {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: {},
    status: { userInfo: { username: 'admin', groups: ['system:masters', 'system:authenticated'] } },
  },
};
