import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  type Informer,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request } from '../helpers/https.js';

/** A Widget as this test writes and reads it: the client types nothing beyond KubernetesObject. */
interface Widget extends KubernetesObject {
  spec?: { size?: string; replicas?: number; color?: string; [field: string]: unknown };
  status?: { phase?: string };
  [field: string]: unknown;
}

const group = 'example.com';
const version = 'v1';
const plural = 'widgets';
const namespace = 'default';

// Typed as client-node's model on purpose: its serializer writes only the model's own
// attributes, so a schema's `default` and `enum` must be spelled `_default` and `_enum`
// here (a plain-JSON `default` would be dropped on the way out, silently).
const crd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{
      name: version,
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              required: ['size'],
              properties: {
                size: { type: 'string', _enum: ['S', 'M', 'L'] },
                replicas: { type: 'integer', _default: 1, minimum: 0 },
                color: { type: 'string', _default: 'blue' },
              },
            },
            status: { type: 'object', properties: { phase: { type: 'string' } } },
          },
        },
      },
    }],
  },
};

/** A Widget to send; read, patch and delete also find the object by its name and namespace. */
const widget = (name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Widget & { metadata: { name: string; namespace: string } } => ({
  apiVersion: `${group}/${version}`,
  kind: 'Widget',
  metadata: { name, namespace },
  spec,
  ...extra,
});

/** What the server put in an ApiException: client-node 1.x keeps the body as text. */
function statusOf(err: unknown): { code: number; body: { reason?: string; message?: string; details?: { causes?: { field?: string; message?: string }[] } } } {
  assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
  const raw: unknown = err.body;
  return { code: err.code, body: typeof raw === 'string' ? JSON.parse(raw) : (raw as object) };
}

type Seen = { type: 'add' | 'update' | 'delete'; name: string; size?: string };

/**
 * Custom resources through @kubernetes/client-node as an application uses it:
 * KubernetesObjectApi (which finds the resource by discovery of the group
 * version) for CRUD, CustomObjectsApi for a JSON patch, and an informer on the
 * CR's path.
 */
// The one limit on waiting: a missed event fails the file instead of hanging it.
describe('@kubernetes/client-node and custom resources', { timeout: 180_000 }, () => {
  let fd: Frontdoor;
  let objects: KubernetesObjectApi;
  let custom: CustomObjectsApi;
  let kc: KubeConfig;
  let informer: (Informer<Widget> & ObjectCache<Widget>) | undefined;

  before(async () => {
    fd = await startFrontdoor();
    kc = new KubeConfig();
    kc.loadFromFile(fd.kubeconfig);
    objects = KubernetesObjectApi.makeApiClient(kc);
    custom = kc.makeApiClient(CustomObjectsApi);
    // The `default` namespace comes from a post-start hook.
    const creds = adminCreds(fd.dataDir);
    await eventually(() => request(fd.port, `/api/v1/namespaces/${namespace}`, creds), (r) => r.status === 200);
  });
  after(async () => {
    await informer?.stop();
    await fd?.stop();
  });

  it('creates a CRD, then a CR of it at once, defaulted and pruned', async () => {
    const created = await objects.create(crd);
    assert.equal(created.metadata?.name, `${plural}.${group}`);

    // Right after the CRD: no retry, the group version must already be discoverable and served.
    const w = await objects.create(widget('w1', { size: 'M', surplus: 'dropped' }, { extraTop: 1 }));
    assert.equal(w.kind, 'Widget');
    assert.equal(w.metadata?.namespace, namespace);
    assert.ok(w.metadata?.uid);
    assert.deepEqual(w.spec, { size: 'M', replicas: 1, color: 'blue' });
    assert.equal(w.extraTop, undefined);
  });

  it('reads and lists', async () => {
    const got = await objects.read<Widget>(widget('w1', {}));
    assert.deepEqual(got.spec, { size: 'M', replicas: 1, color: 'blue' });
    await objects.create(widget('w2', { size: 'S', replicas: 3 }));

    const list = await objects.list<Widget>(`${group}/${version}`, 'Widget', namespace);
    assert.deepEqual(list.items.map((i) => i.metadata?.name).sort(), ['w1', 'w2']);
    assert.equal(list.items.find((i) => i.metadata?.name === 'w2')?.spec?.replicas, 3);
    assert.ok(list.metadata?.resourceVersion);
  });

  it('replaces, merge-patches and JSON-patches', async () => {
    const current = await objects.read<Widget>(widget('w1', {}));
    const replaced = await objects.replace<Widget>({ ...current, spec: { size: 'L', unknown: true } });
    // Replace defaults again what was left out and prunes the unknown field.
    assert.deepEqual(replaced.spec, { size: 'L', replicas: 1, color: 'blue' });
    assert.notEqual(replaced.metadata?.resourceVersion, current.metadata?.resourceVersion);

    const merged = await objects.patch<Widget>(widget('w1', { replicas: 5, junk: 'x' }), undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    assert.deepEqual(merged.spec, { size: 'L', replicas: 5, color: 'blue' });

    // KubernetesObjectApi sends only objects; a JSON patch (an array) goes through CustomObjectsApi,
    // whose first offered patch type is application/json-patch+json.
    const patched = (await custom.patchNamespacedCustomObject({
      group, version, namespace, plural, name: 'w1',
      body: [{ op: 'replace', path: '/spec/color', value: 'red' }, { op: 'test', path: '/spec/replicas', value: 5 }],
    })) as Widget;
    assert.deepEqual(patched.spec, { size: 'L', replicas: 5, color: 'red' });

    // KubernetesObjectApi's default patch type is a strategic merge, which kube refuses for custom resources.
    const strategic = await objects.patch(widget('w1', { replicas: 6 })).then(() => undefined, (err: unknown) => err);
    const s = statusOf(strategic);
    assert.equal(s.code, 415);
    assert.match(s.body.message ?? '', /accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml$/);
  });

  it('updates status only through the status subresource', async () => {
    const current = await objects.read<Widget>(widget('w1', {}));
    // The main resource ignores status changes; the status subresource ignores spec changes.
    const main = await objects.replace<Widget>({ ...current, status: { phase: 'Ignored' } });
    assert.equal(main.status, undefined);
    const st = (await custom.patchNamespacedCustomObjectStatus({
      group, version, namespace, plural, name: 'w1',
      body: [{ op: 'add', path: '/status', value: { phase: 'Ready' } }, { op: 'replace', path: '/spec/size', value: 'S' }],
    })) as Widget;
    assert.equal(st.status?.phase, 'Ready');
    assert.equal(st.spec?.size, 'L');
  });

  it('refuses a schema violation with 422 and the field path', async () => {
    let caught: unknown;
    try {
      await objects.create(widget('bad', { size: 'XL', replicas: -1 }));
    } catch (err) {
      caught = err;
    }
    const { code, body } = statusOf(caught);
    assert.equal(code, 422);
    assert.equal(body.reason, 'Invalid');
    const fields = (body.details?.causes ?? []).map((c) => c.field).sort();
    assert.deepEqual(fields, ['spec.replicas', 'spec.size']);

    // A required field missing is refused the same way.
    const missing = await objects.create(widget('bad', {})).then(() => undefined, (err: unknown) => err);
    const m = statusOf(missing);
    assert.equal(m.code, 422);
    assert.deepEqual((m.body.details?.causes ?? []).map((c) => c.field), ['spec.size']);
  });

  it('deletes', async () => {
    await objects.delete(widget('w2', {}));
    const gone = await objects.read(widget('w2', {})).then(() => undefined, (err: unknown) => err);
    assert.equal(statusOf(gone).code, 404);
    const list = await objects.list<Widget>(`${group}/${version}`, 'Widget', namespace);
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['w1']);
  });

  it('an informer on the CR path sees add, update and delete', async () => {
    const path = `/apis/${group}/${version}/namespaces/${namespace}/${plural}`;
    const list = async () => (await custom.listNamespacedCustomObject({ group, version, namespace, plural })) as KubernetesListObject<Widget>;
    const inf = makeInformer<Widget>(kc, path, list);
    informer = inf;

    const seen: Seen[] = [];
    const errors: unknown[] = [];
    // Each wanted event is a promise resolved by the handler that sees it: no polling, no clock.
    const waiting: { pred: (s: Seen) => boolean; resolve: () => void }[] = [];
    const record = (s: Seen) => {
      seen.push(s);
      for (const w of [...waiting]) if (w.pred(s)) { waiting.splice(waiting.indexOf(w), 1); w.resolve(); }
    };
    const seenOnce = (pred: (s: Seen) => boolean): Promise<void> =>
      seen.some(pred) ? Promise.resolve() : new Promise((resolve) => waiting.push({ pred, resolve }));

    inf.on('add', (o) => record({ type: 'add', name: o.metadata?.name ?? '', size: o.spec?.size }));
    inf.on('update', (o) => record({ type: 'update', name: o.metadata?.name ?? '', size: o.spec?.size }));
    inf.on('delete', (o) => record({ type: 'delete', name: o.metadata?.name ?? '' }));
    inf.on('error', (err) => errors.push(err));

    const initial = seenOnce((s) => s.type === 'add' && s.name === 'w1');
    await inf.start();
    // The initial list delivers what exists as adds.
    await initial;

    const added = seenOnce((s) => s.type === 'add' && s.name === 'w3');
    await objects.create(widget('w3', { size: 'S' }));
    await added;

    const updated = seenOnce((s) => s.type === 'update' && s.name === 'w3' && s.size === 'M');
    await objects.patch(widget('w3', { size: 'M' }), undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    await updated;

    const deleted = seenOnce((s) => s.type === 'delete' && s.name === 'w3');
    await objects.delete(widget('w3', {}));
    await deleted;

    // The cache follows the server: what is left is what it has.
    assert.deepEqual(inf.list().map((o) => o.metadata?.name).sort(), ['w1']);
    assert.deepEqual(errors, []);
  });
});
