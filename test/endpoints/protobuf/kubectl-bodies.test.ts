import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobuf, encodeProtobuf } from '../../../src/endpoints/protobuf/codec.js';
import { KUBECTL_1_32_BODIES } from './fixtures.js';

// What kubectl 1.32 prints for the same commands with `--dry-run=client -o json` (Go's JSON
// of the object it sends), less `creationTimestamp: null`, which we leave out.
const RBAC = 'rbac.authorization.k8s.io';
const EXPECTED: Record<keyof typeof KUBECTL_1_32_BODIES, Record<string, unknown>> = {
  configmap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } },
  deployment: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
      },
      strategy: {},
    },
    status: {},
  },
  namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: {}, status: {} },
  secret: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'Yg==' } },
  service: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc', labels: { app: 'svc' } },
    spec: {
      ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
      selector: { app: 'svc' },
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  },
  serviceaccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } },
  quota: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { cpu: '1', pods: '2' } }, status: {} },
  role: {
    apiVersion: `${RBAC}/v1`,
    kind: 'Role',
    metadata: { name: 'r' },
    rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
  },
  rolebinding: {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'rb' },
    subjects: [{ kind: 'User', apiGroup: RBAC, name: 'u' }],
    roleRef: { apiGroup: RBAC, kind: 'Role', name: 'x' },
  },
  clusterrole: {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'cr' },
    rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
  },
  clusterrolebinding: {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'crb' },
    subjects: [{ kind: 'User', apiGroup: RBAC, name: 'u' }],
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'x' },
  },
  job: {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'report' },
    spec: {
      template: {
        metadata: {},
        spec: { containers: [{ name: 'report', image: 'busybox', command: ['date'], resources: {} }], restartPolicy: 'Never' },
      },
    },
    status: {},
  },
  cronjob: {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        metadata: { name: 'nightly' },
        spec: {
          template: {
            metadata: {},
            spec: { containers: [{ name: 'nightly', image: 'busybox', command: ['date'], resources: {} }], restartPolicy: 'OnFailure' },
          },
        },
      },
    },
    status: {},
  },
  // globalDefault: false is on the wire (Go writes every scalar) but omitempty in JSON.
  priorityclass: {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'high' },
    value: 1000,
    description: 'high priority',
    preemptionPolicy: 'Never',
  },
  // The status counts are not omitempty: JSON shows them at zero.
  poddisruptionbudget: {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'pdb' },
    spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } },
    status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
  },
  // A rule's http sits inline in the rule (IngressRuleValue is embedded in Go).
  ingress: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop' },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
    status: { loadBalancer: {} },
  },
  canI: {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    status: { allowed: false },
  },
};

for (const [name, fixture] of Object.entries(KUBECTL_1_32_BODIES)) {
  const expected = EXPECTED[name as keyof typeof KUBECTL_1_32_BODIES];

  test(`decodes kubectl 1.32's body for \`kubectl ${fixture.command}\``, () => {
    const body = Buffer.from(fixture.body, 'base64');
    const decoded = decodeProtobuf(body);
    assert.equal(decoded.apiVersion, expected.apiVersion);
    assert.equal(decoded.kind, expected.kind);
    assert.deepEqual(decoded.object, expected);
  });

  test(`re-encodes the object of \`kubectl ${fixture.command}\` to the same JSON`, () => {
    assert.deepEqual(decodeProtobuf(encodeProtobuf(expected)).object, expected);
  });
}
