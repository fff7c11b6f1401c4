import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { startedClient, statusOf, type Client, type Obj } from './api-helpers.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const GADGETS = '/apis/cel.example.com/v1/namespaces/default/gadgets';

const gadgetCRD = (specSchema: Record<string, unknown>, plural = 'gadgets', kind = 'Gadget') => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.cel.example.com` },
  spec: {
    group: 'cel.example.com',
    scope: 'Namespaced',
    names: { plural, singular: plural.replace(/s$/, ''), kind },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: specSchema } } } }],
  },
});

const SPEC_SCHEMA = {
  type: 'object',
  'x-kubernetes-validations': [
    { rule: 'self.minReplicas <= self.maxReplicas', message: 'minReplicas must not exceed maxReplicas' },
    { rule: '!has(self.name) || self.name.lowerAscii() == self.name', messageExpression: '"name " + self.name + " must be lower case"', fieldPath: '.name' },
  ],
  properties: {
    minReplicas: { type: 'integer', default: 1 },
    maxReplicas: { type: 'integer', default: 10 },
    name: { type: 'string', maxLength: 63 },
    zone: { type: 'string', maxLength: 32, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'zone is immutable' }] },
    tags: { type: 'array', maxItems: 16, items: { type: 'string', maxLength: 32 }, 'x-kubernetes-validations': [{ rule: 'self.isSorted()', reason: 'FieldValueForbidden', message: 'tags must be sorted' }] },
  },
};

const gadget = (name: string, spec: Record<string, unknown>, rv?: string): Obj =>
  ({ apiVersion: 'cel.example.com/v1', kind: 'Gadget', metadata: { name, ...(rv ? { resourceVersion: rv } : {}) }, spec }) as Obj;

/**
 * x-kubernetes-validations through a real frontdoor (issue 13): rules compiled
 * when the CRD is created, evaluated on every write of its custom resources.
 */
describe('CRD x-kubernetes-validations (CEL) over HTTPS', () => {
  let fd: Frontdoor;
  let c: Client;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    const created = await c.post(CRDS, gadgetCRD(SPEC_SCHEMA));
    assert.equal(created.status, 201, created.body);
  });
  after(async () => {
    await fd.stop();
  });

  it('creates a custom resource that passes its rules (after defaulting)', async () => {
    const ok = await c.post(GADGETS, gadget('g1', { maxReplicas: 3, name: 'abc', zone: 'a', tags: ['x', 'y'] }));
    assert.equal(ok.status, 201, ok.body);
  });

  it('refuses one that breaks them with 422, the rules\' field paths and messages', async () => {
    const bad = await c.post(GADGETS, gadget('bad', { minReplicas: 5, maxReplicas: 2, name: 'ABC', tags: ['b', 'a'] }));
    assert.equal(bad.status, 422, bad.body);
    const status = statusOf(bad);
    const causes = (status.details?.causes ?? []).map((x) => `${x.reason} ${x.field}: ${x.message}`).sort();
    assert.deepEqual(causes, [
      'FieldValueForbidden spec.tags: Forbidden: tags must be sorted',
      'FieldValueInvalid spec.name: Invalid value: "string": name ABC must be lower case'.replace('"string": ', ''),
      'FieldValueInvalid spec: Invalid value: minReplicas must not exceed maxReplicas',
    ].sort());
    assert.match(status.message, /^Gadget\.cel\.example\.com "bad" is invalid: /);
    assert.equal((await c.get(`${GADGETS}/bad`)).status, 404);
  });

  it('refuses a change to a field made immutable by a transition rule, and allows other changes', async () => {
    const cur = (await c.get(`${GADGETS}/g1`)).json<Obj>();
    const moved = await c.put(`${GADGETS}/g1`, { ...cur, spec: { ...(cur.spec as object), zone: 'b' } });
    assert.equal(moved.status, 422, moved.body);
    assert.deepEqual((statusOf(moved).details?.causes ?? []).map((x) => `${x.field}: ${x.message}`), ['spec.zone: Invalid value: "b": zone is immutable']);
    const scaled = await c.put(`${GADGETS}/g1`, { ...cur, spec: { ...(cur.spec as object), maxReplicas: 4 } });
    assert.equal(scaled.status, 200, scaled.body);
  });

  it('refuses a CRD whose rule does not compile with 422', async () => {
    const bad = await c.post(CRDS, gadgetCRD({ type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.b > 0' }] }, 'widgets', 'Widget'));
    assert.equal(bad.status, 422, bad.body);
    const causes = statusOf(bad).details?.causes ?? [];
    assert.deepEqual(causes.map((x) => x.field), ['spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule']);
    assert.match(causes[0]!.message ?? '', /compilation failed: ERROR: <input>:1:5: undefined field 'b'/);
  });

  it('refuses a CRD whose rule iterates unbounded lists nestedly with kube\'s cost message', async () => {
    const costly = await c.post(CRDS, gadgetCRD({ type: 'object', properties: { l: { type: 'array', items: { type: 'string' } } }, 'x-kubernetes-validations': [{ rule: 'self.l.all(x, self.l.exists(y, x == y))' }] }, 'things', 'Thing'));
    assert.equal(costly.status, 422, costly.body);
    assert.match(statusOf(costly).message, /estimated rule cost exceeds budget by factor of more than 100x/);
  });
});
