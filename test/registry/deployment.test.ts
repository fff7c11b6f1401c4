/** The resource conformance tester for apps/v1 deployments (a kind with status), on SQLite and on a real etcd. */
import { deployments } from '../../src/apis/apps/v1/index.js';
import type { Deployment } from '../../src/apis/apps/v1/index.js';
import type { KubeObject } from '../../src/registry/object.js';
import type { ResourceDefinition } from '../../src/registry/resource-definition.js';
import { ETCD_BUGS, STORE_BUGS, etcdBackend, masterStore, runResourceConformance, sqliteBackend, type ResourceFixture } from './tester.js';

const deployment = (name: string, replicas = 2): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { fixture: 'yes' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'conformance' } },
    template: { metadata: { labels: { app: 'conformance' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
  },
});

const fixture: ResourceFixture = {
  name: 'deployments.apps',
  makeStore: masterStore(deployments as unknown as ResourceDefinition),
  namespaced: true,
  hasStatus: true,
  generation: true,
  valid: (name) => deployment(name),
  mutate: (obj) => {
    const next = structuredClone(obj) as Deployment;
    next.spec = { ...next.spec, replicas: (next.spec?.replicas ?? 1) + 1 };
    return next as KubeObject;
  },
  // A status the controller could write: replicas one more than the current status says.
  status: (obj) => {
    const replicas = (((obj as Deployment).status?.replicas as number | undefined) ?? 0) + 1;
    return { observedGeneration: obj.metadata?.generation ?? 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
  },
  invalid: (name) => ({ obj: deployment(name, -1) as KubeObject, fields: ['spec.replicas'] }),
};

runResourceConformance(fixture, sqliteBackend(), { skip: STORE_BUGS });
runResourceConformance(fixture, etcdBackend(), { skip: [...STORE_BUGS, ...ETCD_BUGS] });
