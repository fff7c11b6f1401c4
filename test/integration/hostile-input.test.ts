import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from '../helpers/https.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { startedClient, statusOf, type Client, type Obj } from './api-helpers.js';

const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });

/**
 * The inputs a hostile or careless client sent when probing the server (issue
 * 10), one by one: each answers a 4xx Status, or is stored as kube's typed
 * decoding would store it; none answers 5xx, and the server stays up.
 */
describe('hostile input over HTTPS', () => {
  let fd: Frontdoor;
  let c: Client;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    assert.equal((await c.post(CM, cm('target', { data: { a: '1' } }))).status, 201);
  });
  after(async () => {
    // No request above may have reached the panic handler.
    assert.deepEqual(fd.logs.filter((l) => /panic/i.test(String(l.message))).map((l) => l.message), []);
    await fd.stop();
  });

  const raw = (method: string, path: string, body: string, contentType = 'application/json', headers: Record<string, string> = {}) =>
    request(fd.port, path, c.creds, {
      method,
      body,
      headers: { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)), ...headers },
    });

  const expectCode = (r: { status: number; body: string }, code: number, message?: RegExp) => {
    assert.equal(r.status, code, r.body);
    const s = statusOf(r as Parameters<typeof statusOf>[0]);
    assert.equal(s.kind, 'Status');
    if (message) assert.match(s.message, message);
  };

  it('refuses bodies whose values have the wrong JSON type with 400 (create) or 422 on "patch" (patch)', async () => {
    expectCode(await raw('POST', CM, JSON.stringify({ apiVersion: 1, kind: 'ConfigMap', metadata: { name: 'x' } })), 400, /cannot unmarshal number into Go struct field ConfigMap.apiVersion of type string/);
    expectCode(await raw('POST', CM, JSON.stringify(cm('x', { metadata: { name: 'x', labels: { k: 1 } } }))), 400, /ObjectMeta.metadata.labels of type string/);
    for (const patch of [{ metadata: 0 }, { metadata: { labels: { k: 1 } } }, { metadata: { ownerReferences: { x: 1 } } }]) {
      const r = await raw('PATCH', `${CM}/target`, JSON.stringify(patch), 'application/merge-patch+json');
      expectCode(r, 422, /json: cannot unmarshal/);
      assert.equal(statusOf(r).details?.causes?.[0]?.field, 'patch');
    }
    expectCode(await raw('PATCH', `${CM}/target`, JSON.stringify([{ op: 'add', path: '', value: null }]), 'application/json-patch+json'), 422, /cannot unmarshal null/);
    expectCode(await raw('PATCH', `${CM}/target`, JSON.stringify({ $patch: 'bogus' }), 'application/strategic-merge-patch+json'), 400, /unknown patch type: bogus/);
    // Found by the property suite: moving the whole object into its own metadata made it contain itself.
    expectCode(await raw('PATCH', `${CM}/target`, JSON.stringify([{ op: 'move', from: '', path: '/metadata' }]), 'application/json-patch+json'), 422, /into its own child/);
    expectCode(await raw('PATCH', `${CM}/target`, JSON.stringify([{ op: 'move', from: '/data', path: '/data/a/b' }]), 'application/json-patch+json'), 422, /into its own child/);
    // The object is untouched by all of that.
    assert.deepEqual((await c.get(`${CM}/target`)).json<Obj>().data, { a: '1' });
  });

  it('reads null as Go does: a zero value in maps and lists, an absent field elsewhere', async () => {
    const r = await raw('POST', CM, JSON.stringify(cm('nulls', { metadata: { name: 'nulls', labels: { k: null }, annotations: null }, data: { k: null }, immutable: null, binaryData: null })));
    assert.equal(r.status, 201, r.body);
    const got = (await c.get(`${CM}/nulls`)).json<Obj>();
    assert.deepEqual(got.metadata.labels, { k: '' });
    assert.deepEqual(got.data, { k: '' });
    assert.equal('immutable' in got, false);
    assert.equal('binaryData' in got, false);
    assert.equal('annotations' in got.metadata, false);
    // finalizers: [null] is an empty finalizer name, which validation refuses (it could never be removed).
    expectCode(await raw('POST', CM, JSON.stringify(cm('fin', { metadata: { name: 'fin', finalizers: [null] } }))), 422, /finalizers/);
  });

  it('drops unknown fields (top-level, in metadata, __proto__) with a warning and stores only what the kind knows', async () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"unknown","bogusmeta":1},"__proto__":{"polluted":true},"bogus":[1],"data":{"__proto__":"kept as data"}}';
    const r = await raw('POST', CM, body);
    assert.equal(r.status, 201, r.body);
    assert.match(String(r.headers.warning), /unknown field \\"bogus\\"/);
    const text = (await c.get(`${CM}/unknown`)).body;
    const got = JSON.parse(text) as Record<string, unknown> & Obj;
    assert.equal(Object.hasOwn(got, 'bogus'), false);
    assert.equal(Object.hasOwn(got, '__proto__'), false);
    assert.equal(Object.hasOwn(got.metadata, 'bogusmeta'), false);
    // A data key named __proto__ is plain data, stored and served as such.
    assert.deepEqual(Object.entries(got.data as object), [['__proto__', 'kept as data']]);
  });

  it('stores a body of almost 3 MiB that is mostly an unknown field as the small object it is; refuses more than 3 MiB with 413', async () => {
    const filler = 'x'.repeat(3 * 1024 * 1024 - 2048);
    const r = await raw('POST', CM, JSON.stringify(cm('big-unknown', { data: { a: 'y'.repeat(1024) }, bogus: filler })));
    assert.equal(r.status, 201, r.body.slice(0, 300));
    const got = await c.get(`${CM}/big-unknown`);
    assert.ok(got.body.length < 4096, `stored ${got.body.length} bytes`);
    expectCode(await raw('POST', CM, JSON.stringify(cm('too-big', { bogus: filler + 'x'.repeat(4096) }))), 413, /Request entity too large/);
  });

  it('refuses an object over 1.5 MiB when stored (etcd’s default request limit) with 413 naming the limit', async () => {
    // A Role: its rules have no size limit of their own (a ConfigMap's data stops at 1 MiB first).
    const ROLES = '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles';
    const role = (name: string, bytes: number) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['n'.repeat(bytes)] }],
    });
    expectCode(await raw('POST', ROLES, JSON.stringify(role('big', 2 * 1024 * 1024))), 413, /the object is \d+ bytes when stored, more than the limit of 1572864 bytes/);
    assert.equal((await c.get(`${ROLES}/big`)).status, 404);
    // Under the limit it is stored; an update that grows it past the limit is refused the same way.
    assert.equal((await raw('POST', ROLES, JSON.stringify(role('big', 1024 * 1024)))).status, 201);
    expectCode(await raw('PUT', `${ROLES}/big`, JSON.stringify(role('big', 1600 * 1024))), 413, /1572864/);
  });

  it('refuses a YAML document whose aliases expand past the request limit (413), however small the text', async () => {
    const big = 'v'.repeat(1_000_000);
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\nbogus: &a ${big}\nx: [${Array(99).fill('*a').join(', ')}]\n`;
    expectCode(await raw('POST', CM, yaml, 'application/yaml'), 413, /expands to more than the limit/);
    // Nested aliases are refused by the parser's own alias count.
    const nested = 'a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
    expectCode(await raw('POST', CM, nested, 'application/yaml'), 400);
    assert.equal((await c.get(`${CM}/bomb`)).status, 404);
  });

  it('decodes large YAML bodies off the main thread with the same answers: typed, duplicates reported, errors 400', async () => {
    // Over 64 KiB: parsed by the worker thread (src/endpoints/yaml/yaml-decoder.ts).
    const keys = Array.from({ length: 2000 }, (_, i) => `  k${i}: "${'v'.repeat(40)}"`).join('\n');
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-yaml\n  labels:\n    a: "1"\n    a: "2"\nbogus: 1\ndata:\n${keys}\n`;
    assert.ok(big.length > 64 * 1024);
    const strict = await raw('POST', `${CM}?fieldValidation=Strict`, big, 'application/yaml');
    expectCode(strict, 400, /key "a" already set in map/);
    const r = await raw('POST', CM, big, 'application/yaml');
    assert.equal(r.status, 201, r.body.slice(0, 300));
    assert.match(String(r.headers.warning), /already set in map/);
    const got = (await c.get(`${CM}/big-yaml`)).json<Obj>();
    assert.equal(Object.keys(got.data as object).length, 2000);
    assert.deepEqual(got.metadata.labels, { a: '2' });
    assert.equal(Object.hasOwn(got, 'bogus'), false);
    expectCode(await raw('POST', CM, `${big}data: [unclosed\n`, 'application/yaml'), 400, /error converting YAML to JSON/);
  });

  it('refuses bodies nested 10,000 levels deep with 400, in every decoder and patch type', async () => {
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    expectCode(await raw('POST', CM, deep(10_000)), 400, /exceeded max depth/);
    expectCode(await raw('POST', CM, '['.repeat(1_000_000) + ']'.repeat(1_000_000)), 400, /exceeded max depth/);
    expectCode(await raw('POST', CM, `a:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}b:`).join('\n')}\n`, 'application/yaml'), 400);
    for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json']) {
      expectCode(await raw('PATCH', `${CM}/target`, deep(10_000), type), 400, /exceeded max depth/);
    }
    expectCode(await raw('PATCH', `${DEPLOY}/nothere/scale`, deep(10_000), 'application/merge-patch+json'), 400, /exceeded max depth/);
  });

  it('answers 400 for malformed headers, paths and query parameters', async () => {
    expectCode(await c.get(`${CM}/%zz`), 400, /invalid URL escape/);
    const anonymous = await request(fd.port, `${CM}/%zz`, { ca: c.creds.ca });
    assert.equal(anonymous.status, 400);
    expectCode(await request(fd.port, CM, c.creds, { headers: { 'Impersonate-Group': 'x' } }), 400, /without impersonating a user/);
    expectCode(await c.get(`${CM}?watch=maybe`), 400, /watch/);
    expectCode(await c.get(`${CM}?labelSelector=%00`), 400, /NUL/);
    expectCode(await c.get(`${CM}?limit=99999999999999999999`), 400, /out of range/);
    expectCode(await c.get(`${CM}?limit=x`), 400, /must be an integer/);
  });

  it('lists across namespaces with a metadata.name field selector (informers for one object send it)', async () => {
    const r = await c.get('/api/v1/configmaps?fieldSelector=metadata.name%3Dtarget');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json<{ items: Obj[] }>().items.map((o) => o.metadata.name), ['target']);
  });

  it('answers a PUT whose body names another object with 400, whether or not the URL’s object exists', async () => {
    expectCode(await c.put(`${CM}/target`, cm('other')), 400, /does not match the name on the URL/);
    expectCode(await c.put(`${CM}/absent`, cm('other')), 400, /does not match the name on the URL/);
    // A body naming the same object with another uid replaces a different object: kube's uid precondition, 409.
    expectCode(await c.put(`${CM}/target`, { ...cm('target'), metadata: { name: 'target', uid: 'not-its-uid' } }), 409, /Precondition failed: UID in precondition: not-its-uid/);
  });

  it('answers a scale patch of an absent object with 404 and a bad one with 4xx', async () => {
    expectCode(await raw('PATCH', `${DEPLOY}/nothere/scale`, '{"spec":{"replicas":2}}', 'application/merge-patch+json'), 404);
    expectCode(await raw('PATCH', `${DEPLOY}/nothere/scale`, '{"spec":', 'application/merge-patch+json'), 400);
    expectCode(await raw('PATCH', `${DEPLOY}/nothere/scale`, 'null', 'application/merge-patch+json'), 400);
  });
});
