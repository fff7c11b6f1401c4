import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { eventually } from '../helpers/https.js';
import { kubectl } from '../helpers/kubectl.js';
import { startedClient, statusOf, type Client, type List, type Obj } from './api-helpers.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const GROUP = 'sel.example.com';

const schema = {
  openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { color: { type: 'string' }, size: { type: 'string' }, quantity: { type: 'integer' }, branded: { type: 'boolean' } } },
    },
  },
};

// v1 selects on three fields; v1beta1 (same objects, strategy None) only on color: selectable fields are per version.
const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `shirts.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'shirts', singular: 'shirt', kind: 'Shirt', listKind: 'ShirtList' },
    versions: [
      { name: 'v1beta1', served: true, storage: false, schema, selectableFields: [{ jsonPath: '.spec.color' }] },
      { name: 'v1', served: true, storage: true, schema, selectableFields: [{ jsonPath: '.spec.color' }, { jsonPath: '.spec.quantity' }, { jsonPath: '.spec.branded' }] },
    ],
  },
};

const shirt = (name: string, spec: Record<string, unknown>) => ({ apiVersion: `${GROUP}/v1`, kind: 'Shirt', metadata: { name }, spec });
const nameOf = (o: { metadata?: unknown }) => (o.metadata as { name?: string } | undefined)?.name ?? '';

/**
 * Issue 13, selectableFields: list and watch of a custom resource filtered
 * by field selectors on the version's selectable fields, through a real
 * frontdoor and kubectl 1.32.
 */
describe('CRD selectableFields', () => {
  let fd: Frontdoor;
  let c: Client;
  const path = (version = 'v1') => `/apis/${GROUP}/${version}/namespaces/default/shirts`;
  const select = async (selector: string, version = 'v1') => {
    const r = await c.get(`${path(version)}?fieldSelector=${encodeURIComponent(selector)}`);
    assert.equal(r.status, 200, r.body);
    return r.json<List>().items.map(nameOf).sort();
  };

  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    const created = await c.post(CRDS, CRD);
    assert.equal(created.status, 201, created.body);
    await eventually(() => c.get(path()), (r) => r.status === 200, { tries: 50 });
    const shirts = [
      shirt('red-small', { color: 'red', size: 'S', quantity: 3, branded: true }),
      shirt('red-large', { color: 'red', size: 'L', quantity: 5, branded: false }),
      shirt('blue', { color: 'blue', size: 'M', quantity: 5, branded: true }),
      shirt('plain', { size: 'M' }),
    ];
    for (const s of shirts) assert.equal((await c.post(path(), s)).status, 201);
  });
  after(async () => {
    await fd?.stop();
  });

  it('lists by a string field with =, == and !=, an absent field reading as ""', async () => {
    assert.deepEqual(await select('spec.color=red'), ['red-large', 'red-small']);
    assert.deepEqual(await select('spec.color==blue'), ['blue']);
    assert.deepEqual(await select('spec.color!=red'), ['blue', 'plain']);
    assert.deepEqual(await select('spec.color='), ['plain']);
  });

  it('compares integers and booleans as kube prints them, and combines with metadata fields', async () => {
    assert.deepEqual(await select('spec.quantity=5'), ['blue', 'red-large']);
    assert.deepEqual(await select('spec.branded=true'), ['blue', 'red-small']);
    assert.deepEqual(await select('spec.branded=false,spec.color=red'), ['red-large']);
    assert.deepEqual(await select('spec.color=red,metadata.name=red-small'), ['red-small']);
    assert.deepEqual(await select('metadata.namespace=default,spec.quantity!=5'), ['plain', 'red-small']);
  });

  it('refuses other fields with 400, per version', async () => {
    const bad = await c.get(`${path()}?fieldSelector=spec.size%3DM`);
    assert.equal(bad.status, 400, bad.body);
    assert.equal(statusOf(bad).message, 'field label not supported: spec.size');
    assert.equal(statusOf(bad).reason, 'BadRequest');
    // v1beta1 lists only color.
    assert.deepEqual(await select('spec.color=red', 'v1beta1'), ['red-large', 'red-small']);
    const beta = await c.get(`${path('v1beta1')}?fieldSelector=spec.quantity%3D5`);
    assert.equal(beta.status, 400, beta.body);
    assert.equal(statusOf(beta).message, 'field label not supported: spec.quantity');
    const watch = await c.get(`${path()}?watch=true&fieldSelector=spec.size%3DM`);
    assert.equal(watch.status, 400, watch.body);
  });

  it('watches with a field selector: objects entering and leaving the selection are ADDED and DELETED', async () => {
    const rv = (await c.get(path())).json<List>().metadata.resourceVersion;
    const w = c.watch(`${path()}?watch=true&resourceVersion=${rv}&fieldSelector=${encodeURIComponent('spec.color=red')}`);
    try {
      assert.equal((await c.post(path(), shirt('red-new', { color: 'red', quantity: 1 }))).status, 201);
      assert.equal((await c.post(path(), shirt('green-new', { color: 'green' }))).status, 201);
      assert.equal((await c.patch(`${path()}/red-small`, 'merge', { spec: { color: 'blue' } })).status, 200);
      assert.equal((await c.patch(`${path()}/blue`, 'merge', { spec: { color: 'red' } })).status, 200);
      const events = await w.until((es) => es.length >= 3);
      assert.deepEqual(
        events.map((e) => `${e.type} ${nameOf(e.object)}`),
        ['ADDED red-new', 'DELETED red-small', 'ADDED blue'],
        'green-new never matched',
      );
      // A DELETED for an object leaving the selection carries its last matching state, as kube's cacher sends.
      assert.equal((events[1]!.object.spec as { color?: string }).color, 'red');
    } finally {
      w.close();
    }
  });

  it('lists the selectable fields in the OpenAPI v3 and v2 documents (x-kubernetes-selectable-fields)', async () => {
    const v3 = await c.get(`/openapi/v3/apis/${GROUP}/v1`);
    assert.equal(v3.status, 200, v3.body);
    const model = v3.json<{ components: { schemas: Record<string, Record<string, unknown>> } }>().components.schemas['com.example.sel.v1.Shirt'];
    const expected = [{ fieldPath: 'spec.color' }, { fieldPath: 'spec.quantity' }, { fieldPath: 'spec.branded' }];
    assert.deepEqual(model?.['x-kubernetes-selectable-fields'], expected);
    const beta = (await c.get(`/openapi/v3/apis/${GROUP}/v1beta1`)).json<{ components: { schemas: Record<string, Record<string, unknown>> } }>();
    assert.deepEqual(beta.components.schemas['com.example.sel.v1beta1.Shirt']?.['x-kubernetes-selectable-fields'], [{ fieldPath: 'spec.color' }]);
    const v2 = await eventually(
      () => c.get('/openapi/v2'),
      (r) => r.status === 200 && r.body.includes('com.example.sel.v1.Shirt'),
      { tries: 50 },
    );
    const v2Model = v2.json<{ definitions: Record<string, Record<string, unknown>> }>().definitions['com.example.sel.v1.Shirt'];
    assert.deepEqual(v2Model?.['x-kubernetes-selectable-fields'], expected);
  });

  it('kubectl get --field-selector filters on a selectable field and reports an unsupported one', async () => {
    const red = await kubectl(fd.kubeconfig, ['get', 'shirts', '--field-selector', 'spec.color=red', '-o', 'name']);
    assert.equal(red.code, 0, red.stderr);
    const names = red.stdout.trim().split('\n').sort();
    const expected = (await select('spec.color=red')).map((n) => `shirt.${GROUP}/${n}`);
    assert.deepEqual(names, expected);
    assert.ok(expected.length >= 2);
    const bad = await kubectl(fd.kubeconfig, ['get', 'shirts', '--field-selector', 'spec.size=M']);
    assert.notEqual(bad.code, 0);
    assert.equal(
      bad.stderr.trim(),
      `Error from server (BadRequest): Unable to find "${GROUP}/v1, Resource=shirts" that match label selector "", field selector "spec.size=M": field label not supported: spec.size`,
    );
  });
});
