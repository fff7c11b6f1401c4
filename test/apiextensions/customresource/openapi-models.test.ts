import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelName, openAPIModelsFor } from '../../../src/apiextensions/customresource/openapi-models.js';
import type { CustomResourceDefinition } from '../../../src/apiextensions/customresourcedefinition/types.js';
import { OpenAPIService } from '../../../src/endpoints/openapi/service.js';
import type { OpenAPIResource } from '../../../src/endpoints/openapi/paths.js';
import { serve } from '../../endpoints/openapi/serve.js';

type Schema = Record<string, any>;

function crd(schema: Schema, extra: Partial<CustomResourceDefinition['spec']> = {}): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gizmos.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
      ...extra,
    },
  } as CustomResourceDefinition;
}

const SCHEMA: Schema = {
  type: 'object',
  description: 'A gizmo.',
  properties: {
    spec: {
      type: 'object',
      required: ['size', 'note'],
      properties: {
        size: { type: 'string', enum: ['S', 'M'], default: 'S', description: 'How big.' },
        note: { type: 'string', nullable: true },
        port: { 'x-kubernetes-int-or-string': true },
        either: { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }], properties: { a: { type: 'string' }, b: { type: 'string' } } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { x: { type: 'string' } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
      },
    },
  },
};

describe('OpenAPI models of a custom resource (kube\'s CRD OpenAPI builder)', () => {
  const models = openAPIModelsFor(crd(SCHEMA), crd(SCHEMA).spec.versions[0]!);

  it('names the kind and its list by the reversed group, as kube does', () => {
    assert.equal(models.name, 'com.example.v1.Gizmo');
    assert.equal(models.listName, 'com.example.v1.GizmoList');
    assert.equal(modelName('a.b.example.io', 'v2', 'X'), 'io.example.b.a.v2.X');
  });

  it('v3 keeps the schema as written, with metadata, apiVersion, kind and the group-version-kind', () => {
    const k: Schema = models.v3.kind;
    assert.equal(k.description, 'A gizmo.');
    assert.deepEqual(k['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Gizmo', version: 'v1' }]);
    assert.deepEqual(k.properties.metadata.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    assert.equal(k.properties.apiVersion.type, 'string');
    assert.equal(k.properties.kind.type, 'string');
    const spec = k.properties.spec;
    assert.equal(spec.properties.size.default, 'S');
    assert.equal(spec.properties.note.nullable, true);
    assert.deepEqual(spec.required, ['size', 'note']);
    assert.deepEqual(spec.properties.port.anyOf, [{ type: 'integer' }, { type: 'string' }], 'int-or-string is unfolded');
    assert.ok(spec.properties.either.anyOf);
    assert.deepEqual(spec.properties.template.required, ['kind', 'apiVersion']);
    assert.equal(spec.properties.template.properties.apiVersion.type, 'string');
  });

  it('v2 leaves out what Swagger 2.0 cannot say: nullable, combinators, defaults, preserved subtrees', () => {
    const spec: Schema = (models.v2.kind as Schema).properties.spec;
    assert.equal(spec.properties.size.default, undefined);
    assert.equal(spec.properties.note.type, undefined);
    assert.equal(spec.properties.note.nullable, undefined);
    assert.deepEqual(spec.required, ['size'], 'a nullable field is not required in v2');
    assert.equal(spec.properties.port.anyOf, undefined);
    assert.equal(spec.properties.either.anyOf, undefined);
    assert.equal(spec.properties.free.properties, undefined);
    assert.equal(spec.properties.free.type, undefined);
    assert.equal((models.v2.kind as Schema).properties.metadata.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.equal((models.v2.list as Schema).properties.items.items.$ref, '#/definitions/com.example.v1.Gizmo');
  });

  it('describes a root that preserves unknown fields as a bare object in v2', () => {
    const open = crd({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    const m = openAPIModelsFor(open, open.spec.versions[0]!);
    assert.deepEqual(m.v2.kind, { type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Gizmo', version: 'v1' }] });
    assert.equal(m.v3.kind['x-kubernetes-preserve-unknown-fields'], true);
  });

  it('does not change the CRD it reads', () => {
    const c = crd(structuredClone(SCHEMA));
    openAPIModelsFor(c, c.spec.versions[0]!);
    assert.deepEqual(c.spec.versions[0]!.schema!.openAPIV3Schema, SCHEMA);
  });
});

describe('OpenAPIService with custom resources', () => {
  const resource = (group: string, kind: string, plural: string): OpenAPIResource => {
    const c = crd(SCHEMA, { group, names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` } });
    const models = openAPIModelsFor(c, c.spec.versions[0]!);
    return {
      group, version: 'v1', resource: plural, kind, namespaced: true, subresources: ['status'],
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], models: () => models,
    };
  };
  const base: OpenAPIResource = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, subresources: [], verbs: ['get', 'list'] };

  it('describes the kind by its models in v2 and v3, with the built-in definitions they refer to', async () => {
    const service = new OpenAPIService();
    service.setResources([base, resource('example.com', 'Gizmo', 'gizmos')]);
    const server = await serve(service);
    try {
      const v3 = (await (await fetch(`${server.base}/openapi/v3/apis/example.com/v1`)).json()) as Schema;
      const schemas = v3.components.schemas;
      assert.ok(schemas['com.example.v1.Gizmo']);
      assert.ok(schemas['com.example.v1.GizmoList']);
      assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'ObjectMeta comes along');
      assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta'], 'ListMeta comes along');
      const get = v3.paths['/apis/example.com/v1/namespaces/{namespace}/gizmos/{name}'].get;
      assert.equal(get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/com.example.v1.Gizmo');
      const v2 = (await (await fetch(`${server.base}/openapi/v2`)).json()) as Schema;
      assert.ok(v2.definitions['com.example.v1.Gizmo']);
      assert.equal(v2.definitions['com.example.v1.Gizmo'].properties.spec.properties.size.default, undefined);
    } finally {
      await server.close();
    }
  });

  it('a CRD added elsewhere leaves the other group-versions\' documents (and hashes) as they were', async () => {
    const service = new OpenAPIService();
    const gizmos = resource('example.com', 'Gizmo', 'gizmos');
    service.setResources([base, gizmos]);
    const server = await serve(service);
    try {
      const index1 = (await (await fetch(`${server.base}/openapi/v3`)).json()) as Schema;
      service.setResources([base, gizmos, resource('other.io', 'Thing', 'things')]);
      const index2 = (await (await fetch(`${server.base}/openapi/v3`)).json()) as Schema;
      assert.equal(index2.paths['apis/example.com/v1'].serverRelativeURL, index1.paths['apis/example.com/v1'].serverRelativeURL);
      assert.equal(index2.paths['api/v1'].serverRelativeURL, index1.paths['api/v1'].serverRelativeURL);
      assert.ok(index2.paths['apis/other.io/v1']);
    } finally {
      await server.close();
    }
  });
});
