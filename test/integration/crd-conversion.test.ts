import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newCA, newServingCert } from '../dynamiccertificates/helpers.js';
import { base64, conversionCRD as conversionCRDIn, ConversionWebhook, type ConversionMode } from '../helpers/conversion-webhook.js';
import { eventually } from '../helpers/https.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { startedClient, statusOf, type Client, type List, type Obj } from './api-helpers.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const GROUP = 'conv.example.com';
const SERVICE_NAME = 'convert.hooks.svc';

type Mode = ConversionMode;
const conversionCRD = (plural: string, kind: string, clientConfig: Record<string, unknown>) => conversionCRDIn(GROUP, plural, kind, clientConfig);

const spec = (o: Obj) => o.spec as Record<string, unknown>;

/**
 * Issue 13, versions and conversion: a CRD whose versions are converted by a
 * webhook (served here over TLS), a deprecated version's Warning, and
 * storedVersions growing with the storage version.
 */
describe('CRD conversion webhooks over HTTPS', () => {
  const ca = newCA('webhook-ca');
  const cert = newServingCert(ca, SERVICE_NAME, [SERVICE_NAME]);
  const hook = new ConversionWebhook(cert);
  let port = 0;
  let fd: Frontdoor;
  let c: Client;
  const path = (version: string, name = '') => `/apis/${GROUP}/${version}/namespaces/default/gadgets${name ? `/${name}` : ''}`;
  const gadget = (name: string, version: string, s: Record<string, unknown>) => ({ apiVersion: `${GROUP}/${version}`, kind: 'Gadget', metadata: { name }, spec: s });
  const WARNING = `299 - "${GROUP}/v1alpha1 Gadget is deprecated; use ${GROUP}/v1 Gadget"`;

  before(async () => {
    port = await hook.listen();
    fd = await startFrontdoor();
    c = await startedClient(fd);
    const crd = conversionCRD('gadgets', 'Gadget', { url: `https://127.0.0.1:${port}/convert`, caBundle: base64(ca.certPem) });
    const created = await c.post(CRDS, crd);
    assert.equal(created.status, 201, created.body);
  });
  after(async () => {
    await fd?.stop();
    await hook.stop().catch(() => undefined);
  });

  it('creates in v1alpha1 and reads in v1 and v1alpha1, converted by the webhook', async () => {
    const created = await c.post(path('v1alpha1'), gadget('g1', 'v1alpha1', { colour: 'blue' }));
    assert.equal(created.status, 201, created.body);
    assert.equal(created.json<Obj>().apiVersion, `${GROUP}/v1alpha1`);
    assert.deepEqual(spec(created.json<Obj>()), { colour: 'blue' });

    const v1 = await c.get(path('v1', 'g1'));
    assert.equal(v1.status, 200, v1.body);
    assert.equal(v1.json<Obj>().apiVersion, `${GROUP}/v1`);
    assert.deepEqual(spec(v1.json<Obj>()), { color: 'blue' }, 'stored in v1');
    assert.equal(v1.headers.warning, undefined, 'v1 is not deprecated');

    const alpha = await c.get(path('v1alpha1', 'g1'));
    assert.equal(alpha.status, 200, alpha.body);
    assert.equal(alpha.json<Obj>().apiVersion, `${GROUP}/v1alpha1`);
    assert.deepEqual(spec(alpha.json<Obj>()), { colour: 'blue' });
    assert.deepEqual(alpha.json<Obj>().metadata.uid, v1.json<Obj>().metadata.uid);
  });

  it('answers every request for the deprecated version with the Warning', async () => {
    assert.equal((await c.get(path('v1alpha1', 'g1'))).headers.warning, WARNING);
    assert.equal((await c.get(path('v1alpha1'))).headers.warning, WARNING);
    const created = await c.post(path('v1alpha1'), gadget('g2', 'v1alpha1', { colour: 'red' }));
    assert.equal(created.headers.warning, WARNING);
  });

  it('converts a LIST of N in ONE webhook call, and watch events per version', async () => {
    for (const name of ['g3', 'g4', 'g5']) assert.equal((await c.post(path('v1'), gadget(name, 'v1', { color: name }))).status, 201);
    const before = hook.calls.length;
    const list = await c.get(path('v1alpha1'));
    assert.equal(list.status, 200, list.body);
    const items = list.json<List>().items;
    assert.equal(items.length, 5);
    assert.ok(items.every((o) => o.apiVersion === `${GROUP}/v1alpha1` && 'colour' in spec(o) && !('color' in spec(o))), list.body);
    assert.deepEqual(hook.calls.slice(before), [{ objects: 5, desired: `${GROUP}/v1alpha1` }]);

    const watch = c.watch(`${path('v1alpha1')}?watch=true&resourceVersion=${list.json<List>().metadata.resourceVersion}`);
    try {
      assert.equal((await c.post(path('v1'), gadget('g6', 'v1', { color: 'green' }))).status, 201);
      const events = await watch.until((es) => es.some((e) => (e.object.metadata as { name?: string }).name === 'g6'));
      const added = events.find((e) => (e.object.metadata as { name?: string }).name === 'g6')!;
      assert.equal(added.type, 'ADDED');
      assert.equal(added.object.apiVersion, `${GROUP}/v1alpha1`);
      assert.deepEqual(added.object.spec, { colour: 'green' });
    } finally {
      watch.close();
    }
  });

  it("fails with 500 and kube's message when the webhook answers garbage, too few objects or a changed name; nothing stored changes", async () => {
    const expectFailure = async (mode: Mode, request: () => Promise<{ status: number; body: string }>, message: string) => {
      hook.mode = mode;
      try {
        const r = await request();
        assert.equal(r.status, 500, r.body);
        const s = statusOf(r as Parameters<typeof statusOf>[0]);
        assert.equal(s.message, message);
        assert.equal(s.code, 500);
      } finally {
        hook.mode = 'ok';
      }
    };
    await expectFailure(
      'garbage',
      () => c.get(path('v1alpha1', 'g1')),
      `conversion webhook for ${GROUP}/v1, Kind=Gadget failed: couldn't get version/kind; json parse error: invalid character 'g' looking for beginning of value`,
    );
    await expectFailure('short', () => c.get(path('v1alpha1')), `conversion webhook for ${GROUP}/v1, Kind=Gadget returned 5 objects, expected 6`);
    await expectFailure('rename', () => c.get(path('v1alpha1', 'g1')), `conversion webhook for ${GROUP}/v1, Kind=Gadget returned invalid object: must have the same name: g1 != renamed`);
    // Writes: nothing reaches storage.
    await expectFailure(
      'garbage',
      () => c.post(path('v1alpha1'), gadget('never', 'v1alpha1', { colour: 'x' })),
      `conversion webhook for ${GROUP}/v1alpha1, Kind=Gadget failed: couldn't get version/kind; json parse error: invalid character 'g' looking for beginning of value`,
    );
    assert.equal((await c.get(path('v1', 'never'))).status, 404);
    await expectFailure(
      'rename',
      () => c.patch(path('v1alpha1', 'g1'), 'merge', { spec: { colour: 'purple' } }),
      `conversion webhook for ${GROUP}/v1, Kind=Gadget returned invalid object: must have the same name: g1 != renamed`,
    );
    assert.deepEqual(spec((await c.get(path('v1', 'g1'))).json<Obj>()), { color: 'blue' });
  });

  it('lists both versions in storedVersions once the storage version moves, and converts objects stored in either', async () => {
    const crd = (await c.get(`${CRDS}/gadgets.${GROUP}`)).json<Obj & { spec: { versions: { name: string; storage: boolean }[] } }>();
    for (const v of crd.spec.versions) v.storage = v.name === 'v1alpha1';
    const updated = await c.put(`${CRDS}/gadgets.${GROUP}`, crd);
    assert.equal(updated.status, 200, updated.body);
    assert.deepEqual((updated.json<{ status: { storedVersions: string[] } }>()).status.storedVersions, ['v1', 'v1alpha1']);

    // Once the new storage version is served, a v1alpha1 create is stored as it is and read in v1 through the webhook.
    const stored = await eventually(
      async () => {
        const name = `s${Math.random().toString(36).slice(2, 8)}`;
        assert.equal((await c.post(path('v1alpha1'), gadget(name, 'v1alpha1', { colour: 'teal' }))).status, 201);
        const before = hook.calls.length;
        const got = await c.get(path('v1', name));
        return { got, calls: hook.calls.slice(before) };
      },
      (r) => r.calls.length === 1 && r.calls[0]!.desired === `${GROUP}/v1`,
      { tries: 50 },
    );
    assert.deepEqual(spec(stored.got.json<Obj>()), { color: 'teal' });
    // A v1 LIST sends only the objects stored in v1alpha1.
    const before = hook.calls.length;
    const list = (await c.get(path('v1'))).json<List>();
    assert.ok(list.items.every((o) => o.apiVersion === `${GROUP}/v1` && 'color' in spec(o)));
    const calls = hook.calls.slice(before);
    assert.equal(calls.length, 1);
    assert.ok(calls[0]!.objects >= 1 && calls[0]!.objects < list.items.length, JSON.stringify(calls));
    const after = (await c.get(`${CRDS}/gadgets.${GROUP}`)).json<{ status: { storedVersions: string[] } }>();
    assert.deepEqual(after.status.storedVersions, ['v1', 'v1alpha1'], 'the server never shrinks it');
  });

  it('reaches a webhook named by a Service (ExternalName 127.0.0.1), checked as <name>.<namespace>.svc', async () => {
    assert.equal((await c.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hooks' } })).status, 201);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'convert', namespace: 'hooks' }, spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ port }] } };
    assert.equal((await c.post('/api/v1/namespaces/hooks/services', svc)).status, 201);
    const crd = conversionCRD('sprockets', 'Sprocket', { service: { namespace: 'hooks', name: 'convert', path: '/convert', port }, caBundle: base64(ca.certPem) });
    assert.equal((await c.post(CRDS, crd)).status, 201);
    const sprockets = (version: string, name = '') => `/apis/${GROUP}/${version}/namespaces/default/sprockets${name ? `/${name}` : ''}`;
    // The Service reaches the aggregator's cache a moment after it is created: bounded retries.
    const created = await eventually(
      () => c.post(sprockets('v1alpha1'), { apiVersion: `${GROUP}/v1alpha1`, kind: 'Sprocket', metadata: { name: 'sp1' }, spec: { colour: 'gold' } }),
      (r) => r.status === 201 || r.status === 409,
      { tries: 50 },
    );
    assert.ok(created.status === 201 || created.status === 409, created.body);
    const v1 = await c.get(sprockets('v1', 'sp1'));
    assert.equal(v1.status, 200, v1.body);
    assert.deepEqual(spec(v1.json<Obj>()), { color: 'gold' });
  });

  it('answers 404 for a version no longer served', async () => {
    const url = `${CRDS}/sprockets.${GROUP}`;
    const crd = (await c.get(url)).json<Obj & { spec: { versions: { name: string; served: boolean }[] } }>();
    for (const v of crd.spec.versions) v.served = v.name !== 'v1alpha1';
    assert.equal((await c.put(url, crd)).status, 200);
    const gone = await eventually(() => c.get(`/apis/${GROUP}/v1alpha1/namespaces/default/sprockets/sp1`), (r) => r.status === 404, { tries: 50 });
    assert.equal(gone.status, 404);
    assert.equal((await c.get(`/apis/${GROUP}/v1/namespaces/default/sprockets/sp1`)).status, 200);
  });

  it('fails with 500 when the webhook is stopped, and the stored object is unchanged', async () => {
    await hook.stop();
    const r = await eventually(
      () => c.get(path('v1alpha1', 'g1')),
      (res) => res.status === 500 && /connection refused/.test(res.body),
      { tries: 50 },
    );
    const s = statusOf(r);
    assert.match(s.message, new RegExp(`^conversion webhook for ${GROUP.replace(/\./g, '\\.')}/v1, Kind=Gadget failed: Post "https://127\\.0\\.0\\.1:${port}/convert\\?timeout=30s": dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused$`));
    assert.equal(s.code, 500);
    const v1 = await c.get(path('v1', 'g1'));
    assert.equal(v1.status, 200, v1.body);
    assert.deepEqual(spec(v1.json<Obj>()), { color: 'blue' });
  });
});
