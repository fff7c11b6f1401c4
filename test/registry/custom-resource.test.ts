/**
 * The resource conformance tester for a CRD-defined resource, on SQLite and on
 * a real etcd: the definition the CRD server builds from a CRD version (its
 * compiled schema, printer columns, status subresource) installed through the
 * same serving unit (APIResources: watch cache, namespace-lifecycle admission,
 * Store) as a built-in.
 */
import { compileVersionSchema } from '../../src/apiextensions/customresource/compile-schema.js';
import { customResourceDefinitionFor } from '../../src/apiextensions/customresource/definition.js';
import type { CustomResourceDefinition } from '../../src/apiextensions/customresourcedefinition/types.js';
import type { KubeObject } from '../../src/registry/object.js';
import { ETCD_BUGS, STORE_BUGS, etcdBackend, masterStore, runResourceConformance, sqliteBackend, type ResourceFixture } from './tester.js';

const crd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Size', type: 'string', jsonPath: '.spec.size' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', required: ['size'], properties: { size: { type: 'string', enum: ['S', 'M', 'L'] }, note: { type: 'string' } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};
const version = crd.spec.versions[0]!;

type Widget = KubeObject & { spec?: { size?: string; note?: string }; status?: { phase?: string } };

const fixture: ResourceFixture = {
  name: 'widgets.example.com',
  makeStore: masterStore(customResourceDefinitionFor(crd, version, compileVersionSchema(crd, version))),
  namespaced: true,
  hasStatus: true,
  generation: true,
  valid: (name) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, labels: { fixture: 'yes' } }, spec: { size: 'M' } }),
  mutate: (obj) => {
    const next = structuredClone(obj) as Widget;
    next.spec = { ...next.spec, note: `${next.spec?.note ?? ''}changed` };
    return next;
  },
  status: (obj) => ({ phase: `${(obj as Widget).status?.phase ?? ''}next` }),
  invalid: (name) => ({ obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec: { size: 'XL' } }, fields: ['spec.size'] }),
};

runResourceConformance(fixture, sqliteBackend(), { skip: STORE_BUGS });
runResourceConformance(fixture, etcdBackend(), { skip: [...STORE_BUGS, ...ETCD_BUGS] });
