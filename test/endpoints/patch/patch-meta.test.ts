import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DefinitionCatalog } from '../../../src/endpoints/openapi/schema.js';
import { builtinPatchMeta, builtinPatchMetaForKind, NO_SCHEMA, patchMetaFromOpenAPI, type PatchMeta } from '../../../src/endpoints/patch/patch-meta.js';

const at = (meta: PatchMeta, ...path: string[]): PatchMeta => path.reduce((m, p) => (p === '[]' ? m.elem() : m.child(p)), meta);

describe('builtinPatchMeta (the served OpenAPI schemas)', () => {
  const deployment = builtinPatchMeta('io.k8s.api.apps.v1.Deployment');
  const podSpec = at(deployment, 'spec', 'template', 'spec');

  it('reads kube patch strategies and merge keys of the pod spec', () => {
    assert.deepEqual(at(podSpec, 'containers').strategy(), { patchStrategy: 'merge', mergeKey: 'name' });
    assert.deepEqual(at(podSpec, 'initContainers').strategy(), { patchStrategy: 'merge', mergeKey: 'name' });
    assert.deepEqual(at(podSpec, 'volumes').strategy(), { patchStrategy: 'merge,retainKeys', mergeKey: 'name' });
    assert.deepEqual(at(podSpec, 'containers', '[]', 'env').strategy(), { patchStrategy: 'merge', mergeKey: 'name' });
    assert.deepEqual(at(podSpec, 'containers', '[]', 'ports').strategy(), { patchStrategy: 'merge', mergeKey: 'containerPort' });
    assert.deepEqual(at(podSpec, 'containers', '[]', 'volumeMounts').strategy(), { patchStrategy: 'merge', mergeKey: 'mountPath' });
  });

  it('has no strategy (atomic lists) where kube declares none', () => {
    assert.deepEqual(at(podSpec, 'tolerations').strategy(), {});
    assert.deepEqual(at(podSpec, 'containers', '[]', 'args').strategy(), {});
    assert.deepEqual(at(podSpec, 'containers', '[]', 'command').strategy(), {});
    assert.deepEqual(at(deployment, 'metadata', 'ownerReferences').strategy(), { patchStrategy: 'merge', mergeKey: 'uid' });
  });

  it('marks finalizers a set-like merged list and the deployment strategy retainKeys', () => {
    assert.deepEqual(at(deployment, 'metadata', 'finalizers').strategy(), { patchStrategy: 'merge' });
    assert.deepEqual(at(deployment, 'spec', 'strategy').strategy(), { patchStrategy: 'retainKeys' });
  });

  it('descends into map values and gives unknown fields no strategy', () => {
    const limits = at(podSpec, 'containers', '[]', 'resources', 'limits');
    assert.deepEqual(limits.child('cpu').strategy(), {});
    assert.deepEqual(at(deployment, 'metadata', 'labels', 'app').strategy(), {});
    assert.equal(at(deployment, 'spec', 'noSuchField'), NO_SCHEMA);
    assert.equal(at(deployment, 'spec', 'noSuchField', 'deeper', '[]'), NO_SCHEMA);
  });

  it('is shared per definition, and an unknown definition has no schema', () => {
    assert.equal(builtinPatchMeta('io.k8s.api.apps.v1.Deployment'), deployment);
    assert.equal(builtinPatchMeta('com.example.v1.Widget'), NO_SCHEMA);
    assert.deepEqual(at(builtinPatchMetaForKind({ group: '', version: 'v1', kind: 'Pod' }), 'spec', 'containers').strategy(), {
      patchStrategy: 'merge',
      mergeKey: 'name',
    });
    assert.equal(builtinPatchMetaForKind({ group: 'example.com', version: 'v1', kind: 'Widget' }), NO_SCHEMA);
  });
});

describe('patchMetaFromOpenAPI', () => {
  const definitions = {
    'x.Item': {
      type: 'object',
      properties: {
        name: { type: 'string' },
        items: { type: 'array', items: { $ref: '#/definitions/x.Item' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
        plain: { type: 'array', items: { type: 'string' } },
        child: { $ref: '#/definitions/x.Child', 'x-kubernetes-patch-strategy': 'retainKeys' },
        byName: { type: 'object', additionalProperties: { $ref: '#/definitions/x.Item' } },
        dangling: { $ref: '#/definitions/x.Missing', 'x-kubernetes-patch-strategy': 'replace' },
      },
    },
    'x.Child': { type: 'object', properties: { list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' } } },
  };

  it('follows v2 references, recursive definitions and map values', () => {
    const meta = patchMetaFromOpenAPI(definitions, 'x.Item');
    assert.deepEqual(meta.strategy(), {});
    assert.deepEqual(at(meta, 'items', '[]', 'items', '[]', 'tags').strategy(), { patchStrategy: 'merge' });
    assert.deepEqual(at(meta, 'plain').strategy(), {});
    assert.deepEqual(at(meta, 'child').strategy(), { patchStrategy: 'retainKeys' });
    assert.deepEqual(at(meta, 'child', 'list').strategy(), { patchStrategy: 'merge' });
    assert.deepEqual(at(meta, 'byName', 'anyKey', 'items').strategy(), { patchStrategy: 'merge', mergeKey: 'name' });
  });

  it('keeps the strategy of a field whose type it cannot resolve', () => {
    const meta = patchMetaFromOpenAPI(definitions, '#/definitions/x.Item');
    assert.deepEqual(at(meta, 'dangling').strategy(), { patchStrategy: 'replace' });
    assert.equal(at(meta, 'dangling', 'x'), NO_SCHEMA);
  });

  it('reads v3 component schemas (allOf-wrapped references) through a lookup function', () => {
    const catalog = new DefinitionCatalog();
    const meta = patchMetaFromOpenAPI(
      (name) => (catalog.has(name) ? catalog.schema(name, 'v3') : undefined),
      '#/components/schemas/io.k8s.api.core.v1.Pod',
    );
    assert.deepEqual(at(meta, 'spec', 'containers', '[]', 'env').strategy(), { patchStrategy: 'merge', mergeKey: 'name' });
    assert.deepEqual(at(meta, 'spec', 'volumes').strategy(), { patchStrategy: 'merge,retainKeys', mergeKey: 'name' });
  });

  it('gives NO_SCHEMA for an unknown root', () => {
    const meta = patchMetaFromOpenAPI({}, 'x.Nothing');
    assert.deepEqual(meta.strategy(), {});
    assert.equal(meta.child('a'), NO_SCHEMA);
  });
});
