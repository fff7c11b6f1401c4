/** The resource conformance tester for core/v1 configmaps, on SQLite and on a real etcd. */
import { configMaps } from '../../src/apis/core/v1/index.js';
import type { KubeObject } from '../../src/registry/object.js';
import type { ResourceDefinition } from '../../src/registry/resource-definition.js';
import { ETCD_BUGS, STORE_BUGS, etcdBackend, masterStore, runResourceConformance, sqliteBackend, type ResourceFixture } from './tester.js';

const fixture: ResourceFixture = {
  name: 'configmaps',
  makeStore: masterStore(configMaps as unknown as ResourceDefinition),
  namespaced: true,
  hasStatus: false,
  generation: false,
  valid: (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { fixture: 'yes' } }, data: { key: 'value', other: 'x' } }),
  mutate: (obj) => {
    const next = structuredClone(obj) as KubeObject & { data?: Record<string, string> };
    next.data = { ...next.data, key: `${next.data?.key ?? ''}-changed` };
    return next;
  },
  invalid: (name) => ({
    obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { 'not a key!': 'v' } },
    fields: ['data[not a key!]'],
  }),
};

runResourceConformance(fixture, sqliteBackend(), { skip: STORE_BUGS });
runResourceConformance(fixture, etcdBackend(), { skip: [...STORE_BUGS, ...ETCD_BUGS] });
