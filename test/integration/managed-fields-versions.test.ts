import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { newCA, newServingCert } from '../dynamiccertificates/helpers.js';
import { base64, ConversionWebhook } from '../helpers/conversion-webhook.js';
import { eventually } from '../helpers/https.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { managedFieldsEntry } from '../helpers/hostile-arbitraries.js';
import { startedClient, type Client, type Obj } from './api-helpers.js';

const RUNS = Number(process.env.FRONTDOOR_FC_RUNS ?? 200) / 2;
const SEED = Number(process.env.FRONTDOOR_FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const GROUP = 'mfv.example.com';
const APPLY = 'application/apply-patch+yaml';

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}
interface Status {
  kind: string;
  message: string;
  details?: { causes?: { reason: string; message: string; field?: string }[] };
}

/** v1alpha1 names the field spec.colour, v1 (storage) spec.color (the test webhook renames it); spec.shape is the same in both. */
const versionSchema = (colourField: string) => ({
  openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { [colourField]: { type: 'string' }, shape: { type: 'string' } } } } },
});

/**
 * Issue 14, managedFields across versions: each manager's fields are kept
 * in the version it wrote in and compared there (kube's Updater converts
 * the objects to each manager's version), so a field a webhook renames
 * between versions is still the same field: a conflict names it as its
 * owner wrote it, a write in the other version takes it, an applier that
 * drops it from a configuration in the other version removes it.
 */
describe('managedFields across the versions of a CRD converted by a webhook', () => {
  const ca = newCA('mfv-webhook-ca');
  const hook = new ConversionWebhook(newServingCert(ca, 'mfv.hooks.svc', ['mfv.hooks.svc']));
  let fd: Frontdoor;
  let c: Client;
  const path = (version: string, name: string) => `/apis/${GROUP}/${version}/namespaces/default/tints/${name}`;
  const tint = (version: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: `${GROUP}/${version}`, kind: 'Tint', metadata: { name }, spec });
  const apply = (version: string, name: string, spec: Record<string, unknown>, query: string) =>
    c.send('PATCH', `${path(version, name)}?${query}`, { body: tint(version, name, spec), contentType: APPLY });
  const read = async (version: string, name: string): Promise<Obj & { metadata: { managedFields?: Entry[]; resourceVersion?: string } }> => {
    const r = await c.get(path(version, name));
    assert.equal(r.status, 200, r.body);
    return r.json();
  };
  const entries = async (name: string) => ((await read('v1', name)).metadata.managedFields ?? []).map(({ time: _t, ...e }) => e);
  const entryOf = (all: Omit<Entry, 'time'>[], manager: string) => all.find((e) => e.manager === manager);

  let hookPort = 0;
  /** A CRD of `plural` converted by `url`, with v1 (storage, spec.color) and each of `older` (spec.colour). */
  const crdOf = (plural: string, kind: string, url: string, older: string[]) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind },
      versions: [
        ...older.map((name) => ({ name, served: true, storage: false, schema: versionSchema('colour') })),
        { name: 'v1', served: true, storage: true, schema: versionSchema('color') },
      ],
      conversion: { strategy: 'Webhook', webhook: { clientConfig: { url, caBundle: base64(ca.certPem) }, conversionReviewVersions: ['v1'] } },
    },
  });
  const install = async (crd: ReturnType<typeof crdOf>) => {
    const created = await c.post(CRDS, crd);
    assert.equal(created.status, 201, created.body);
    for (const v of crd.spec.versions) await eventually(() => c.get(`/apis/${GROUP}/${v.name}/namespaces/default/${crd.spec.names.plural}`), (r) => r.status === 200);
  };

  before(async () => {
    const port = await hook.listen();
    hookPort = port;
    fd = await startFrontdoor();
    c = await startedClient(fd);
    const created = await c.post(CRDS, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `tints.${GROUP}` },
      spec: {
        group: GROUP,
        scope: 'Namespaced',
        names: { plural: 'tints', singular: 'tint', kind: 'Tint' },
        versions: [
          { name: 'v1alpha1', served: true, storage: false, schema: versionSchema('colour') },
          { name: 'v1', served: true, storage: true, schema: versionSchema('color') },
        ],
        conversion: { strategy: 'Webhook', webhook: { clientConfig: { url: `https://127.0.0.1:${port}/convert`, caBundle: base64(ca.certPem) }, conversionReviewVersions: ['v1'] } },
      },
    });
    assert.equal(created.status, 201, created.body);
    await eventually(() => c.get(`/apis/${GROUP}/v1/namespaces/default/tints`), (r) => r.status === 200);
    await eventually(() => c.get(`/apis/${GROUP}/v1alpha1/namespaces/default/tints`), (r) => r.status === 200);
  });
  after(async () => {
    await fd?.stop();
    await hook.stop();
  });

  it('an apply in v1 that changes a field owned in v1alpha1 conflicts, named as its owner wrote it; the same value is shared', async () => {
    assert.equal((await apply('v1alpha1', 't1', { colour: 'blue', shape: 'round' }, 'fieldManager=alpha')).status, 201);
    const before = await read('v1', 't1');
    assert.deepEqual(before.spec, { color: 'blue', shape: 'round' });
    assert.deepEqual(entryOf(await entries('t1'), 'alpha'), {
      manager: 'alpha', operation: 'Apply', apiVersion: `${GROUP}/v1alpha1`, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:colour': {}, 'f:shape': {} } },
    });

    const conflict = await apply('v1', 't1', { color: 'red' }, 'fieldManager=beta');
    assert.equal(conflict.status, 409, conflict.body);
    const s = conflict.json<Status>();
    assert.equal(s.message, 'Apply failed with 1 conflict: conflict with "alpha": .spec.colour');
    assert.deepEqual(s.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.spec.colour' }]);
    assert.equal((await read('v1', 't1')).metadata.resourceVersion, before.metadata.resourceVersion, 'a conflict changes nothing');

    const same = await apply('v1', 't1', { color: 'blue' }, 'fieldManager=beta');
    assert.equal(same.status, 200, same.body);
    const shared = await entries('t1');
    assert.deepEqual(entryOf(shared, 'beta')?.fieldsV1, { 'f:spec': { 'f:color': {} } });
    assert.deepEqual(entryOf(shared, 'alpha')?.fieldsV1, { 'f:spec': { 'f:colour': {}, 'f:shape': {} } }, 'both own the colour, each in its version');
  });

  it('force takes the field from the other version\'s owner, who keeps the rest', async () => {
    const forced = await apply('v1', 't1', { color: 'red' }, 'fieldManager=beta&force=true');
    assert.equal(forced.status, 200, forced.body);
    assert.deepEqual(forced.json<Obj>().spec, { color: 'red', shape: 'round' });
    const all = await entries('t1');
    assert.deepEqual(entryOf(all, 'alpha')?.fieldsV1, { 'f:spec': { 'f:shape': {} } });
    assert.deepEqual(entryOf(all, 'beta')?.fieldsV1, { 'f:spec': { 'f:color': {} } });
    assert.deepEqual((await read('v1alpha1', 't1')).spec, { colour: 'red', shape: 'round' });
  });

  it('a merge patch in v1 takes what an applier owns in v1alpha1', async () => {
    assert.equal((await apply('v1alpha1', 't2', { colour: 'blue', shape: 'square' }, 'fieldManager=alpha')).status, 201);
    const patched = await c.send('PATCH', `${path('v1', 't2')}?fieldManager=patcher`, { body: { spec: { color: 'green' } }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.body);
    const all = await entries('t2');
    assert.deepEqual(entryOf(all, 'alpha')?.fieldsV1, { 'f:spec': { 'f:shape': {} } }, 'the colour moved to the patcher');
    assert.deepEqual(entryOf(all, 'patcher'), {
      manager: 'patcher', operation: 'Update', apiVersion: `${GROUP}/v1`, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:color': {} } },
    });
    // Now the applier's colour conflicts with the patcher, named in v1 where the patcher wrote it.
    const conflict = await apply('v1alpha1', 't2', { colour: 'blue', shape: 'square' }, 'fieldManager=alpha');
    assert.equal(conflict.status, 409, conflict.body);
    assert.equal(conflict.json<Status>().message, `Apply failed with 1 conflict: conflict with "patcher" using ${GROUP}/v1: .spec.color`);
  });

  it('an applier that drops a field it applied in v1alpha1 from its configuration in v1 removes it; kept while someone else owns it', async () => {
    assert.equal((await apply('v1alpha1', 't3', { colour: 'blue', shape: 'oval' }, 'fieldManager=alpha')).status, 201);
    const moved = await apply('v1', 't3', { shape: 'oval' }, 'fieldManager=alpha');
    assert.equal(moved.status, 200, moved.body);
    assert.deepEqual(moved.json<Obj>().spec, { shape: 'oval' }, 'the colour it no longer applies is gone');
    assert.deepEqual(entryOf(await entries('t3'), 'alpha'), {
      manager: 'alpha', operation: 'Apply', apiVersion: `${GROUP}/v1`, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:shape': {} } },
    });

    assert.equal((await apply('v1alpha1', 't4', { colour: 'blue', shape: 'oval' }, 'fieldManager=alpha')).status, 201);
    assert.equal((await apply('v1', 't4', { color: 'blue' }, 'fieldManager=keeper')).status, 200);
    const kept = await apply('v1', 't4', { shape: 'oval' }, 'fieldManager=alpha');
    assert.equal(kept.status, 200, kept.body);
    assert.deepEqual(kept.json<Obj>().spec, { color: 'blue', shape: 'oval' }, 'the keeper still owns the colour');

    // Re-applied in v1 with the field under its v1 name: kept, now owned in v1.
    assert.equal((await apply('v1alpha1', 't5', { colour: 'blue' }, 'fieldManager=alpha')).status, 201);
    const renamed = await apply('v1', 't5', { color: 'blue' }, 'fieldManager=alpha');
    assert.equal(renamed.status, 200, renamed.body);
    assert.deepEqual(renamed.json<Obj>().spec, { color: 'blue' });
    assert.deepEqual(entryOf(await entries('t5'), 'alpha')?.fieldsV1, { 'f:spec': { 'f:color': {} } });
  });

  it('a create that sends an entry recorded in the other version is tracked (no conversion of an empty object fails it)', async () => {
    const sent: Entry = { manager: 'importer', operation: 'Update', apiVersion: `${GROUP}/v1alpha1`, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:colour': {} } } };
    const created = await c.post(`/apis/${GROUP}/v1/namespaces/default/tints?fieldManager=creator`, { ...tint('v1', 't7', { color: 'blue', shape: 'cube' }), metadata: { name: 't7', managedFields: [sent] } });
    assert.equal(created.status, 201, created.body);
    const all = await entries('t7');
    // Everything the create adds is the creator's, in whichever version another entry named it (kube's Updater forces it).
    assert.deepEqual(entryOf(all, 'creator')?.fieldsV1, { 'f:spec': { '.': {}, 'f:color': {}, 'f:shape': {} } });
    assert.equal(entryOf(all, 'importer'), undefined, JSON.stringify(all));
  });

  it('an entry in a version the CRD does not have is dropped by the write that meets it, as kube drops it', async () => {
    assert.equal((await apply('v1', 't6', { color: 'blue' }, 'fieldManager=alpha')).status, 201);
    const obj = await read('v1', 't6');
    const ghost: Entry = { manager: 'ghost', operation: 'Update', apiVersion: `${GROUP}/v9`, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:x': {} } } } };
    const withGhost = { ...obj, metadata: { ...obj.metadata, managedFields: [...(obj.metadata.managedFields ?? []), ghost] } };
    const put = await c.put(path('v1', 't6'), withGhost);
    assert.equal(put.status, 200, put.body);
    const patched = await c.send('PATCH', `${path('v1', 't6')}?fieldManager=patcher`, { body: { spec: { color: 'green' } }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.body);
    const all = await entries('t6');
    // The ghost's field was not touched: read in this version it would have stayed.
    assert.equal(entryOf(all, 'ghost'), undefined, JSON.stringify(all));
    assert.deepEqual(entryOf(all, 'patcher')?.fieldsV1, { 'f:spec': { 'f:color': {} } });
  });

  it(`property: managedFields in either version, hostile or not, with every write in either version, never answer 5xx and leave readable objects (seed ${SEED})`, async () => {
    const versioned = fc.record({
      manager: fc.constantFrom('m', 'n', 'alpha'),
      operation: fc.constantFrom('Apply', 'Update'),
      apiVersion: fc.constantFrom(`${GROUP}/v1alpha1`, `${GROUP}/v1`, `${GROUP}/v9`, '', 'v1'),
      fieldsType: fc.constant('FieldsV1'),
      fieldsV1: fc.constantFrom({ 'f:spec': { 'f:colour': {} } }, { 'f:spec': { 'f:color': {}, 'f:shape': {} } }, { 'f:spec': { '.': {} } }, { 'f:metadata': { 'f:labels': { 'f:a': {} } } }, {}),
    });
    const spec = fc.record({ colour: fc.constantFrom('red', 'blue', 7), color: fc.constantFrom('red', 'blue', null), shape: fc.constantFrom('cube', '') }, { requiredKeys: [] });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(versioned, managedFieldsEntry()), { maxLength: 3 }),
        fc.constantFrom('create', 'put', 'merge', 'apply', 'apply-force'),
        fc.constantFrom('v1', 'v1alpha1'),
        spec,
        async (entries, write, version, s) => {
          const name = `p${n++}`;
          // A seed object with an applier in the other version, so every write meets one.
          const seeded = await apply(version === 'v1' ? 'v1alpha1' : 'v1', name, version === 'v1' ? { colour: 'blue' } : { color: 'blue' }, 'fieldManager=seed');
          assert.equal(seeded.status, 201, seeded.body);
          const obj = { ...tint(version, name, s), metadata: { name, managedFields: entries } };
          let r;
          if (write === 'create') r = await c.post(`/apis/${GROUP}/${version}/namespaces/default/tints?fieldManager=w`, { ...obj, metadata: { name: `${name}-new`, managedFields: entries } });
          else if (write === 'put') {
            const cur = (await c.get(path(version, name))).json<Obj & { metadata: Record<string, unknown> }>();
            r = await c.put(path(version, name), { ...cur, spec: s, metadata: { ...cur.metadata, managedFields: entries } });
          } else if (write === 'merge') {
            r = await c.send('PATCH', `${path(version, name)}?fieldManager=w`, { body: { metadata: { managedFields: entries }, spec: s }, contentType: 'application/merge-patch+json' });
          } else {
            r = await c.send('PATCH', `${path(version, name)}?fieldManager=w${write === 'apply-force' ? '&force=true' : ''}`, { body: tint(version, name, s), contentType: APPLY });
          }
          assert.ok(r.status < 500, `${write} ${version} ${JSON.stringify(entries)} ${JSON.stringify(s)}: ${r.status} ${r.body.slice(0, 300)}`);
          for (const v of ['v1', 'v1alpha1']) {
            const got = await c.get(path(v, name));
            assert.equal(got.status, 200, got.body);
          }
          await c.del(path('v1', name));
          if (write === 'create' && r.status === 201) await c.del(path('v1', `${name}-new`));
        },
      ),
      { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
    );
  });

  it('three versions: what a manager owns in a third version survives an applier moving between the other two (kube\'s addBackOwnedItems)', async () => {
    await install(crdOf('hues', 'Hue', `https://127.0.0.1:${hookPort}/convert`, ['v1alpha1', 'v1beta1']));
    const hue = (version: string, spec: Record<string, unknown>) => ({ apiVersion: `${GROUP}/${version}`, kind: 'Hue', metadata: { name: 'h1' }, spec });
    const at = (version: string) => `/apis/${GROUP}/${version}/namespaces/default/hues/h1`;
    const applyHue = (version: string, spec: Record<string, unknown>, manager: string) =>
      c.send('PATCH', `${at(version)}?fieldManager=${manager}`, { body: hue(version, spec), contentType: APPLY });
    assert.equal((await applyHue('v1beta1', { colour: 'blue', shape: 'round' }, 'a')).status, 201);
    assert.equal((await applyHue('v1alpha1', { colour: 'blue' }, 'b')).status, 200);
    const moved = await applyHue('v1', { shape: 'round' }, 'a');
    assert.equal(moved.status, 200, moved.body);
    assert.deepEqual(moved.json<Obj>().spec, { color: 'blue', shape: 'round' }, 'b still owns the colour, in v1alpha1');
    const all = (moved.json<Obj & { metadata: { managedFields?: Entry[] } }>().metadata.managedFields ?? []).map(({ time: _t, ...e }) => e);
    assert.deepEqual(entryOf(all, 'b'), { manager: 'b', operation: 'Apply', apiVersion: `${GROUP}/v1alpha1`, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:colour': {} } } });
    assert.deepEqual(entryOf(all, 'a')?.fieldsV1, { 'f:spec': { 'f:shape': {} } });
    // With b gone, the next move of a's configuration removes the colour nobody owns any more.
    const alone = await c.send('PATCH', `${at('v1')}?fieldManager=b`, { body: hue('v1', {}), contentType: APPLY });
    assert.equal(alone.status, 200, alone.body);
    assert.deepEqual(alone.json<Obj>().spec, { shape: 'round' });
  });

  it('a body naming another version or none answers as it does without entries of other versions (never the converter\'s 500)', async () => {
    const name = 't8';
    assert.equal((await apply('v1alpha1', name, { colour: 'blue' }, 'fieldManager=alpha')).status, 201);
    assert.equal((await apply('v1alpha1', 't9', { colour: 'blue' }, 'fieldManager=v1manager-free')).status, 201);
    const probes: [string, (n: string) => Promise<{ status: number; body: string }>][] = [
      ['merge patch to a version the CRD lacks', (n) => c.send('PATCH', path('v1', n), { body: { apiVersion: `${GROUP}/v9` }, contentType: 'application/merge-patch+json' })],
      ['JSON patch removing apiVersion', (n) => c.send('PATCH', path('v1', n), { body: [{ op: 'remove', path: '/apiVersion' }], contentType: 'application/json-patch+json' })],
      ['PUT without apiVersion', async (n) => {
        const { apiVersion: _a, ...rest } = await read('v1', n);
        return c.put(path('v1', n), rest);
      }],
    ];
    for (const [what, probe] of probes) {
      const withOther = await probe(name);
      assert.ok(withOther.status < 500, `${what}: ${withOther.status} ${withOther.body}`);
    }
    // The same probes on an object whose only manager wrote in v1 (nothing to convert) answer the same.
    const plain = 't10';
    assert.equal((await apply('v1', plain, { color: 'blue' }, 'fieldManager=beta')).status, 201);
    for (const [what, probe] of probes) {
      const a = await probe(name);
      const b = await probe(plain);
      assert.equal(a.status, b.status, `${what}: ${a.body} / ${b.body}`);
    }
  });

  it('with the conversion webhook down, a write in the storage version still succeeds and drops managedFields it cannot update (kube\'s UpdateNoErrors)', async () => {
    const gone = https.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const deadPort = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    await install(crdOf('shades', 'Shade', `https://127.0.0.1:${deadPort}/convert`, ['v1alpha1']));
    const at = `/apis/${GROUP}/v1/namespaces/default/shades`;
    const other: Entry = { manager: 'old', operation: 'Update', apiVersion: `${GROUP}/v1alpha1`, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:colour': {} } } };
    const created = await c.post(`${at}?fieldManager=creator`, { apiVersion: `${GROUP}/v1`, kind: 'Shade', metadata: { name: 's1', managedFields: [other] }, spec: { color: 'blue' } });
    assert.equal(created.status, 201, created.body);
    assert.equal(created.json<Obj & { metadata: { managedFields?: unknown } }>().metadata.managedFields, undefined);
    const plain = await c.post(`${at}?fieldManager=creator`, { apiVersion: `${GROUP}/v1`, kind: 'Shade', metadata: { name: 's2' }, spec: { color: 'blue' } });
    assert.equal(plain.status, 201, plain.body);
    const added = await c.send('PATCH', `${at}/s2?fieldManager=patcher`, { body: { metadata: { managedFields: [...(plain.json<Obj & { metadata: { managedFields: Entry[] } }>().metadata.managedFields), other] }, spec: { color: 'red' } }, contentType: 'application/merge-patch+json' });
    assert.equal(added.status, 200, added.body);
    assert.deepEqual(added.json<Obj>().spec, { color: 'red' });
    assert.equal(added.json<Obj & { metadata: { managedFields?: unknown } }>().metadata.managedFields, undefined);
    // An apply cannot leave ownership undecided: it answers the webhook's failure, as kube's does.
    const applied = await c.send('PATCH', `${at}/s2?fieldManager=x`, { body: { apiVersion: `${GROUP}/v1`, kind: 'Shade', metadata: { name: 's2' }, spec: { color: 'red' } }, contentType: APPLY });
    assert.ok(applied.status === 200 || applied.status >= 500, `${applied.status} ${applied.body}`);
  });
});
