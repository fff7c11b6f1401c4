import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { startedClient, statusOf, type Client, type Obj } from './api-helpers.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const ROUTES = '/apis/lib.example.com/v1/namespaces/default/routes';

/** Rules using kube's quantity, URL, IP/CIDR and format libraries, and an optionalOldSelf transition rule. */
const SPEC = {
  type: 'object',
  'x-kubernetes-validations': [
    { rule: 'quantity(self.limit).compareTo(quantity(self.request)) >= 0', message: 'limit must not be below request' },
    // messageExpressions kube's cost estimate accepts: a concatenated string must have a size it can bound
    // (getScheme(), value() and join() over an unsized list have none, and kube refuses them for cost).
    { rule: '!has(self.endpoint) || url(self.endpoint).getScheme() == "https"', messageExpression: '"endpoint must use https, not " + self.endpoint.substring(0, self.endpoint.indexOf(":"))', fieldPath: '.endpoint' },
    { rule: 'cidr(self.network).containsIP(self.address)', message: 'address must be inside network' },
    // optionalOldSelf: runs on create too (oldSelf none), then keeps the tier from going down.
    { rule: '!oldSelf.hasValue() || self.tier >= oldSelf.value().tier', message: 'tier may not go down', optionalOldSelf: true },
    { rule: 'oldSelf.hasValue() || self.tier <= 3', message: 'new routes start at tier 3 or below', optionalOldSelf: true },
  ],
  properties: {
    request: { type: 'string', maxLength: 16, 'x-kubernetes-validations': [{ rule: 'isQuantity(self)', message: 'request must be a quantity' }] },
    limit: { type: 'string', maxLength: 16 },
    endpoint: { type: 'string', maxLength: 256 },
    network: { type: 'string', maxLength: 64, 'x-kubernetes-validations': [{ rule: 'isCIDR(self) && cidr(self) == cidr(self).masked()', message: 'network must be a masked CIDR' }] },
    address: { type: 'string', maxLength: 64, 'x-kubernetes-validations': [{ rule: 'isIP(self) && ip.isCanonical(self)', message: 'address must be a canonical IP' }] },
    host: { type: 'string', maxLength: 63, 'x-kubernetes-validations': [{ rule: '!format.dns1123Label().validate(self).hasValue()', messageExpression: 'format.dns1123Label().validate(self).value()[0]' }] },
    tier: { type: 'integer', default: 1 },
  },
};

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'routes.lib.example.com' },
  spec: {
    group: 'lib.example.com',
    scope: 'Namespaced',
    names: { plural: 'routes', singular: 'route', kind: 'Route' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: SPEC } } } }],
  },
};

const route = (name: string, spec: Record<string, unknown>): Obj => ({ apiVersion: 'lib.example.com/v1', kind: 'Route', metadata: { name }, spec }) as Obj;
const GOOD = { request: '500m', limit: '1', endpoint: 'https://example.com/api', network: '10.0.0.0/8', address: '10.1.2.3', host: 'web', tier: 2 };
const causes = (body: ReturnType<typeof statusOf>): string[] => (body.details?.causes ?? []).map((x) => `${x.field}: ${x.message}`).sort();

/** kube's CEL extension libraries and optional types in CRD rules, through a real frontdoor (issue 13). */
describe('CRD rules with kube\'s CEL libraries over HTTPS', () => {
  let fd: Frontdoor;
  let c: Client;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    const created = await c.post(CRDS, CRD);
    assert.equal(created.status, 201, created.body);
  });
  after(async () => {
    await fd.stop();
  });

  it('accepts an object that passes every rule', async () => {
    const ok = await c.post(ROUTES, route('good', GOOD));
    assert.equal(ok.status, 201, ok.body);
  });

  it('refuses one that breaks them with 422 and kube\'s field paths and messages', async () => {
    const bad = await c.post(ROUTES, route('bad', { request: '2Gi', limit: '1G', endpoint: 'http://example.com', network: '10.0.0.1/8', address: '10.01.2.3', host: 'Web_1', tier: 5 }));
    assert.equal(bad.status, 422, bad.body);
    assert.deepEqual(causes(statusOf(bad)), [
      'spec.address: Invalid value: "10.01.2.3": address must be a canonical IP',
      'spec.endpoint: Invalid value: "object": endpoint must use https, not http'.replace('"object": ', ''),
      'spec.host: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')',
      'spec.network: Invalid value: "10.0.0.1/8": network must be a masked CIDR',
      'spec: Invalid value: limit must not be below request',
      'spec: Invalid value: new routes start at tier 3 or below',
      // An address that does not parse makes containsIP a runtime error, reported as kube does.
      'spec: Invalid value: "object": IP Address "10.01.2.3" parse error during conversion from string: ParseAddr("10.01.2.3"): IPv4 field has octet with leading zero evaluating rule: address must be inside network',
    ].sort());
  });

  it('gives a runtime error of a library function as a 422, not a 5xx', async () => {
    const bad = await c.post(ROUTES, route('garbage', { ...GOOD, request: '1', limit: 'lots' }));
    assert.equal(bad.status, 422, bad.body);
    const [cause] = causes(statusOf(bad));
    assert.match(cause!, /^spec: Invalid value: "object": quantities must match the regular expression .* evaluating rule: limit must not be below request$/);
  });

  it('evaluates optionalOldSelf transition rules on update with the old value', async () => {
    const cur = (await c.get(`${ROUTES}/good`)).json<Obj>();
    const down = await c.put(`${ROUTES}/good`, { ...cur, spec: { ...(cur.spec as object), tier: 1 } });
    assert.equal(down.status, 422, down.body);
    assert.deepEqual(causes(statusOf(down)), ['spec: Invalid value: tier may not go down']);
    // Past tier 3 is fine once the object exists.
    const up = await c.put(`${ROUTES}/good`, { ...cur, spec: { ...(cur.spec as object), tier: 7 } });
    assert.equal(up.status, 200, up.body);
  });

  it('refuses a CRD whose rule misuses a library at creation, naming the rule', async () => {
    const broken = structuredClone(CRD);
    broken.metadata.name = 'brokens.lib.example.com';
    broken.spec.names = { plural: 'brokens', singular: 'broken', kind: 'Broken' };
    broken.spec.versions[0]!.schema.openAPIV3Schema.properties.spec = { type: 'object', 'x-kubernetes-validations': [{ rule: 'ip("1.2.3.4").containsIP("1.2.3.4")' }] } as never;
    const res = await c.post(CRDS, broken);
    assert.equal(res.status, 422, res.body);
    assert.match(statusOf(res).message, /x-kubernetes-validations\[0\]\.rule.*found no matching overload for 'containsIP' applied to 'net\.IP\.\(string\)'/);
  });
});
