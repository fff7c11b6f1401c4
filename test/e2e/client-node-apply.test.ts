import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
  type V1ManagedFieldsEntry,
} from '@kubernetes/client-node';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request } from '../helpers/https.js';

interface Dial extends KubernetesObject {
  spec?: { size?: string; channels?: { name: string; frequency?: number }[]; [field: string]: unknown };
}

const namespace = 'default';
const group = 'apply.example.com';

const crd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `dials.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'dials', singular: 'dial', kind: 'Dial', listKind: 'DialList' },
    versions: [{
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              properties: {
                size: { type: 'string' },
                channels: {
                  type: 'array',
                  x_kubernetes_list_type: 'map',
                  x_kubernetes_list_map_keys: ['name'],
                  items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, frequency: { type: 'integer' } } },
                },
              },
            },
          },
        },
      },
    }],
  },
};

const configMap = (name: string, data: Record<string, string>): V1ConfigMap & { metadata: { name: string; namespace: string } } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

const dial = (name: string, spec: Dial['spec']): Dial & { metadata: { name: string; namespace: string } } => ({
  apiVersion: `${group}/v1`,
  kind: 'Dial',
  metadata: { name, namespace },
  spec,
});

/** What the server put in an ApiException: client-node 1.x keeps the body as text. */
function statusOf(err: unknown): { code: number; body: { reason?: string; message?: string; details?: { causes?: { reason?: string; field?: string; message?: string }[] } } } {
  assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
  const raw: unknown = err.body;
  return { code: err.code, body: typeof raw === 'string' ? JSON.parse(raw) : (raw as object) };
}

const entry = (obj: KubernetesObject, manager: string): V1ManagedFieldsEntry | undefined =>
  obj.metadata?.managedFields?.find((e) => e.manager === manager && e.operation === 'Apply');

/**
 * Server-side apply from @kubernetes/client-node 1.4, as controllers written
 * with it use it: KubernetesObjectApi.patch with PatchStrategy.ServerSideApply
 * (Content-Type application/apply-patch+yaml, a JSON body), a fieldManager and
 * force, for a built-in kind and a custom resource.
 */
describe('@kubernetes/client-node server-side apply', { timeout: 180_000 }, () => {
  let fd: Frontdoor;
  let objects: KubernetesObjectApi;
  const apply = <T extends KubernetesObject>(spec: T, fieldManager: string, opts: { force?: boolean; dryRun?: string } = {}) =>
    objects.patch<T>(spec, undefined, opts.dryRun, fieldManager, opts.force, PatchStrategy.ServerSideApply);

  before(async () => {
    fd = await startFrontdoor();
    const kc = new KubeConfig();
    kc.loadFromFile(fd.kubeconfig);
    objects = KubernetesObjectApi.makeApiClient(kc);
    const creds = adminCreds(fd.dataDir);
    await eventually(() => request(fd.port, `/api/v1/namespaces/${namespace}`, creds), (r) => r.status === 200);
  });
  after(async () => {
    await fd?.stop();
  });

  it('creates a ConfigMap, then updates it, owning what it applied', async () => {
    const created = await apply(configMap('cn-cm', { a: '1' }), 'my-operator');
    assert.deepEqual(created.data, { a: '1' });
    assert.ok(created.metadata?.uid);
    const e = entry(created, 'my-operator');
    assert.equal(e?.apiVersion, 'v1');
    assert.equal(e?.fieldsType, 'FieldsV1');
    assert.deepEqual(e?.fieldsV1, { 'f:data': { 'f:a': {} } });

    const updated = await apply(configMap('cn-cm', { a: '2', b: '3' }), 'my-operator');
    assert.deepEqual(updated.data, { a: '2', b: '3' });
    assert.equal(updated.metadata?.uid, created.metadata?.uid);
    assert.notEqual(updated.metadata?.resourceVersion, created.metadata?.resourceVersion);

    const same = await apply(configMap('cn-cm', { a: '2', b: '3' }), 'my-operator');
    assert.equal(same.metadata?.resourceVersion, updated.metadata?.resourceVersion, 'an unchanged apply writes nothing');

    const dropped = await apply(configMap('cn-cm', { b: '3' }), 'my-operator');
    assert.deepEqual(dropped.data, { b: '3' }, 'what it no longer applies, and nobody else owns, goes');

    const dry = await apply(configMap('cn-cm', { b: '4' }), 'my-operator', { dryRun: 'All' });
    assert.deepEqual(dry.data, { b: '4' });
    assert.deepEqual((await objects.read(configMap('cn-cm', {})) as V1ConfigMap).data, { b: '3' });
  });

  it('another manager conflicts (409 with FieldManagerConflict causes) until it forces', async () => {
    const err = await apply(configMap('cn-cm', { b: 'theirs' }), 'other-operator').then(() => undefined, (e: unknown) => e);
    const s = statusOf(err);
    assert.equal(s.code, 409);
    assert.equal(s.body.reason, 'Conflict');
    assert.equal(s.body.message, 'Apply failed with 1 conflict: conflict with "my-operator": .data.b');
    assert.deepEqual(s.body.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "my-operator"', field: '.data.b' }]);

    const forced = await apply(configMap('cn-cm', { b: 'theirs' }), 'other-operator', { force: true });
    assert.deepEqual(forced.data, { b: 'theirs' });
    assert.deepEqual(entry(forced, 'other-operator')?.fieldsV1, { 'f:data': { 'f:b': {} } });
    assert.equal(entry(forced, 'my-operator'), undefined, 'my-operator lost its only field');
  });

  it('creates and updates a custom resource, its list merged by key across managers', async () => {
    await objects.create(crd);
    // The group version must be served before KubernetesObjectApi can resolve the kind.
    await eventually(
      () => objects.list(`${group}/v1`, 'Dial', namespace).then(() => true, () => false),
      (ready) => ready,
    );
    const created = await apply(dial('d1', { size: 'M', channels: [{ name: 'news', frequency: 101 }] }), 'tuner');
    assert.deepEqual(created.spec, { size: 'M', channels: [{ name: 'news', frequency: 101 }] });
    assert.deepEqual(entry(created, 'tuner')?.fieldsV1, {
      'f:spec': { 'f:channels': { 'k:{"name":"news"}': { '.': {}, 'f:frequency': {}, 'f:name': {} } }, 'f:size': {} },
    });

    const merged = await apply(dial('d1', { channels: [{ name: 'jazz', frequency: 88 }] }), 'listener');
    assert.deepEqual(merged.spec?.channels?.map((c) => c.name).sort(), ['jazz', 'news']);
    assert.equal(merged.spec?.size, 'M');

    const updated = await apply(dial('d1', { size: 'L', channels: [{ name: 'news', frequency: 102 }] }), 'tuner');
    assert.equal(updated.spec?.size, 'L');
    assert.deepEqual(updated.spec?.channels?.find((c) => c.name === 'news'), { name: 'news', frequency: 102 });

    const err = await apply(dial('d1', { channels: [{ name: 'news', frequency: 99 }] }), 'listener').then(() => undefined, (e: unknown) => e);
    const s = statusOf(err);
    assert.equal(s.code, 409);
    assert.equal(s.body.message, 'Apply failed with 1 conflict: conflict with "tuner": .spec.channels[name="news"].frequency');
    const forced = await apply(dial('d1', { channels: [{ name: 'news', frequency: 99 }] }), 'listener', { force: true });
    assert.deepEqual(forced.spec?.channels?.find((c) => c.name === 'news'), { name: 'news', frequency: 99 });
  });

  it('refuses an apply without a fieldManager (kube\'s PatchOptions validation)', async () => {
    const err = await objects.patch(configMap('cn-nomanager', { a: '1' }), undefined, undefined, undefined, undefined, PatchStrategy.ServerSideApply).then(() => undefined, (e: unknown) => e);
    const s = statusOf(err);
    assert.equal(s.code, 422);
    assert.match(s.body.message ?? '', /fieldManager: Required value: is required for apply patch/);
  });
});
