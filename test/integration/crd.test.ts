import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/https.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { startedClient, statusOf, type Client, type List, type Obj } from './api-helpers.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const WIDGETS = '/apis/example.com/v1/namespaces/default/widgets';

const widgetCRD = (extra: { plural?: string; shortNames?: string[] } = {}) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${extra.plural ?? 'widgets'}.example.com` },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: extra.plural ?? 'widgets', singular: 'widget', kind: 'Widget', shortNames: extra.shortNames ?? ['wd'], categories: ['all'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Size', type: 'string', jsonPath: '.spec.size' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  size: { type: 'string', enum: ['S', 'M', 'L'] },
                  replicas: { type: 'integer', default: 1, minimum: 0 },
                  tags: { type: 'array', items: { type: 'string' } },
                },
                required: ['size'],
              },
              status: {
                type: 'object',
                properties: { conditions: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } } } },
              },
            },
          },
        },
      },
    ],
  },
});

const widget = (name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name },
  spec,
  ...extra,
});

/**
 * The CRD server over HTTPS (issue 11): a CRD created through the API is
 * served at once through the same path as a built-in (Store, watch cache,
 * typed decoding, discovery), its custom resources are defaulted, pruned and
 * validated by its schema, and deleting it deletes them.
 */
describe('CustomResourceDefinitions over HTTPS', () => {
  let fd: Frontdoor;
  let c: Client;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
  });
  after(async () => {
    await fd.stop();
  });

  it('serves a custom resource created right after its CRD, defaulted and pruned by its schema', async () => {
    const created = await c.post(CRDS, widgetCRD());
    assert.equal(created.status, 201, created.body);
    // No retry loop: the request waits for the resource to be served.
    const w = await c.post(WIDGETS, widget('w1', { size: 'M', bogus: 1 }, { unknownTop: true }));
    assert.equal(w.status, 201, w.body);
    assert.match(String(w.headers.warning), /unknown field/);
    const got = (await c.get(`${WIDGETS}/w1`)).json<Obj>();
    assert.deepEqual(got.spec, { size: 'M', replicas: 1 });
    assert.equal(Object.hasOwn(got, 'unknownTop'), false);
    assert.equal(got.apiVersion, 'example.com/v1');
    assert.equal(got.kind, 'Widget');
  });

  it('reports the CRD Established and NamesAccepted, and publishes the resource in discovery', async () => {
    const crd = await eventually(
      () => c.get(`${CRDS}/widgets.example.com`),
      (r) => (r.json<{ status?: { conditions?: { type: string; status: string }[] } }>().status?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True'),
    );
    const status = crd.json<{ status: { conditions: { type: string; status: string }[]; acceptedNames: { plural: string }; storedVersions: string[] } }>().status;
    assert.ok(status.conditions.some((x) => x.type === 'NamesAccepted' && x.status === 'True'));
    assert.equal(status.acceptedNames.plural, 'widgets');
    assert.deepEqual(status.storedVersions, ['v1']);
    const disc = (await c.get('/apis/example.com/v1')).json<{ resources: { name: string; kind: string; shortNames?: string[]; categories?: string[] }[] }>();
    const res = disc.resources.find((r) => r.name === 'widgets');
    assert.equal(res?.kind, 'Widget');
    assert.deepEqual(res?.shortNames, ['wd']);
  });

  it('answers a list, a watch and a Table with the printer columns', async () => {
    const list = (await c.get(WIDGETS)).json<List>();
    assert.equal(list.kind, 'WidgetList');
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['w1']);
    const table = (await c.get(WIDGETS, 'application/json;as=Table;v=v1;g=meta.k8s.io')).json<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>();
    assert.deepEqual(table.columnDefinitions.map((d) => d.name), ['Name', 'Size', 'Replicas', 'Ready']);
    assert.deepEqual(table.rows[0]!.cells.slice(0, 3), ['w1', 'M', 1]);
  });

  it('keeps status out of the main endpoint and spec out of /status', async () => {
    const cur = (await c.get(`${WIDGETS}/w1`)).json<Obj>();
    const put = await c.put(`${WIDGETS}/w1/status`, { ...cur, spec: { size: 'L' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    assert.equal(put.status, 200, put.body);
    const after = (await c.get(`${WIDGETS}/w1`)).json<Obj>();
    assert.deepEqual(after.spec, { size: 'M', replicas: 1 });
    assert.deepEqual(after.status, { conditions: [{ type: 'Ready', status: 'True' }] });
    const table = (await c.get(WIDGETS, 'application/json;as=Table;v=v1;g=meta.k8s.io')).json<{ rows: { cells: unknown[] }[] }>();
    assert.equal(table.rows[0]!.cells[3], 'True');
  });

  it('refuses what its schema refuses with 422 and kube’s field paths, and a CRD that names a taken resource as not accepted', async () => {
    const bad = await c.post(WIDGETS, widget('bad', { size: 'XL', replicas: 'two' }));
    assert.equal(bad.status, 422, bad.body);
    const causes = statusOf(bad).details?.causes ?? [];
    assert.deepEqual(causes.map((x) => x.field).sort(), ['spec.replicas', 'spec.size']);
    assert.match(statusOf(bad).message, /spec\.replicas in body must be of type integer: "string"/);
    assert.match(statusOf(bad).message, /spec\.size: Unsupported value: "XL": supported values: "S", "M", "L"/);
    const missing = await c.post(WIDGETS, widget('bad', { replicas: 2 }));
    assert.equal(missing.status, 422, missing.body);
    assert.match(statusOf(missing).message, /spec\.size: Required value/);
    assert.equal((await c.get(`${WIDGETS}/bad`)).status, 404);
    const clash = await c.post(CRDS, { ...widgetCRD({ plural: 'gadgets', shortNames: ['wd'] }) });
    assert.equal(clash.status, 201, clash.body);
    const crd = await eventually(
      () => c.get(`${CRDS}/gadgets.example.com`),
      (r) => (r.json<{ status?: { conditions?: { type: string }[] } }>().status?.conditions ?? []).some((x) => x.type === 'NamesAccepted'),
    );
    const cond = crd.json<{ status: { conditions: { type: string; status: string; reason: string }[] } }>().status.conditions.find((x) => x.type === 'NamesAccepted');
    assert.deepEqual([cond?.status, cond?.reason], ['False', 'NameConflict']);
    assert.equal((await c.get('/apis/example.com/v1/namespaces/default/gadgets')).status, 404);
    assert.ok([200, 202].includes((await c.del(`${CRDS}/gadgets.example.com`)).status));
  });

  it('serves two versions from one watch cache: each watch gets its own version of the same events', async () => {
    const twoVersions = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'doodads.example.org' },
      spec: {
        group: 'example.org',
        scope: 'Namespaced',
        names: { plural: 'doodads', singular: 'doodad', kind: 'Doodad' },
        versions: ['v1', 'v2'].map((name) => ({
          name,
          served: true,
          storage: name === 'v1',
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } } },
        })),
      },
    };
    const made = await c.post(CRDS, twoVersions);
    assert.equal(made.status, 201, made.body);
    const path = (v: string) => `/apis/example.org/${v}/namespaces/default/doodads`;
    await eventually(() => c.get(path('v2')), (r) => r.status === 200);
    const watches = ['v1', 'v2', 'v1', 'v2'].map((v) => ({ v, w: c.watch(`${path(v)}?watch=1&resourceVersion=0`) }));
    try {
      await eventually(async () => watches.every(({ w }) => w.status === 200), (ok) => ok);
      assert.equal((await c.post(path('v2'), { apiVersion: 'example.org/v2', kind: 'Doodad', metadata: { name: 'd1' }, spec: { n: 1 } })).status, 201);
      for (const { v, w } of watches) {
        const events = await w.until((es) => es.some((e) => e.type === 'ADDED'));
        const added = events.find((e) => e.type === 'ADDED')!;
        assert.equal(added.object.apiVersion, `example.org/${v}`, `the ${v} watch sees ${v}`);
      }
    } finally {
      for (const { w } of watches) w.close();
    }
    assert.equal((await c.get(`${path('v1')}/d1`)).json<Obj>().apiVersion, 'example.org/v1');
  });

  it('reads objects stored before a schema change as the new schema says: pruned and defaulted', async () => {
    const crd = (properties: Record<string, unknown>) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'knobs.example.net' },
      spec: {
        group: 'example.net',
        scope: 'Namespaced',
        names: { plural: 'knobs', singular: 'knob', kind: 'Knob' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties } } } } }],
      },
    });
    const knobs = '/apis/example.net/v1/namespaces/default/knobs';
    assert.equal((await c.post(CRDS, crd({ old: { type: 'string' } }))).status, 201);
    await eventually(() => c.get(knobs), (r) => r.status === 200);
    assert.equal((await c.post(knobs, { apiVersion: 'example.net/v1', kind: 'Knob', metadata: { name: 'k1' }, spec: { old: 'x' } })).status, 201);
    const current = (await c.get(`${CRDS}/knobs.example.net`)).json<Obj>();
    const changed = { ...crd({ added: { type: 'integer', default: 7 } }), metadata: current.metadata };
    assert.equal((await c.put(`${CRDS}/knobs.example.net`, changed)).status, 200);
    const read = await eventually(() => c.get(`${knobs}/k1`), (r) => r.status === 200 && JSON.stringify(r.json<Obj>().spec) === '{"added":7}');
    assert.deepEqual(read.json<Obj>().spec, { added: 7 });
    const listed = (await c.get(knobs)).json<List>();
    assert.deepEqual(listed.items[0]!.spec, { added: 7 });
  });

  it('refuses hostile CRDs with 413 or 422 naming the problem, and installs nothing', async () => {
    const withSchema = (group: string, openAPIV3Schema: unknown) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `things.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'things', singular: 'thing', kind: 'Thing' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }],
      },
    });
    const nest = (levels: number) => {
      let node: Record<string, unknown> = { type: 'string' };
      for (let i = 0; i < levels; i++) node = { type: 'object', properties: { a: node } };
      return node;
    };
    const huge = { type: 'object', properties: Object.fromEntries(Array.from({ length: 16_000 }, (_, i) => [`field${i}`, { type: 'string', description: 'd'.repeat(90) }])) };
    const cases: [string, unknown, number, RegExp][] = [
      ['deep.example.io', { type: 'object', properties: { spec: nest(300) } }, 422, /schemas must nest fewer than 64 levels deep/],
      // 1,000 schema levels are over 2,000 JSON levels: the body's decoding refuses it first (frontdoor stops JSON at 1,000).
      ['deeper.example.io', { type: 'object', properties: { spec: nest(1000) } }, 400, /exceeded max depth/],
      // About 2 MiB: read in full (under the 3 MiB request limit), refused when stored (over etcd's 1.5 MiB).
      ['huge.example.io', huge, 413, /more than the limit of 1572864 bytes/],
      ['untyped.example.io', { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } }, 422, /spec\.validation\.openAPIV3Schema\.properties\[spec\]\.type: Required value: must not be empty for specified object fields/],
      // (kube names a schema that every version shares by its internal place, spec.validation)
      ['baddefault.example.io', { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer', default: 'x' } } } } }, 422, /default/],
      ['notschema.example.io', { type: 'object', properties: { spec: { type: 'object', minimum: 'one' } } }, 400, /minimum/],
    ];
    for (const [group, schema, code, message] of cases) {
      const r = await c.post(CRDS, withSchema(group, schema));
      assert.equal(r.status, code, `${group}: ${r.body.slice(0, 300)}`);
      assert.match(r.body, message, group);
      assert.equal((await c.get(`${CRDS}/things.${group}`)).status, 404, `${group} was not stored`);
    }
    const groups = (await c.get('/apis')).json<{ groups: { name: string }[] }>().groups.map((g) => g.name);
    for (const [group] of cases) assert.equal(groups.includes(group), false);
  });

  it('installs and serves a CRD of real-world size (hundreds of KB, thousands of properties)', async () => {
    const leaf = (i: number) => ({ type: 'string', maxLength: 253, description: `Field ${i} of a large operator's spec, described at length as such schemas are. `.repeat(2) });
    const section = (n: number, at: number) => ({ type: 'object', properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${at + i}`, leaf(at + i)])) });
    const spec = { type: 'object', properties: Object.fromEntries(Array.from({ length: 40 }, (_, s) => [`section${s}`, section(100, s * 100)])) };
    const big = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'monitors.big.example.io' },
      spec: {
        group: 'big.example.io',
        scope: 'Namespaced',
        names: { plural: 'monitors', singular: 'monitor', kind: 'Monitor' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
      },
    };
    assert.ok(JSON.stringify(big).length > 500_000, 'the schema is hundreds of KB');
    assert.equal((await c.post(CRDS, big)).status, 201);
    const path = '/apis/big.example.io/v1/namespaces/default/monitors';
    const good = { apiVersion: 'big.example.io/v1', kind: 'Monitor', metadata: { name: 'm1' }, spec: { section3: { f301: 'ok' }, section39: { f3999: 'ok' } } };
    const created = await eventually(() => c.post(path, good), (r) => r.status === 201);
    assert.deepEqual(created.json<Obj>().spec, good.spec);
    const bad = await c.post(path, { ...good, metadata: { name: 'm2' }, spec: { section5: { f500: 'x'.repeat(300) } } });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /spec\.section5\.f500: Too long/);
    const v3 = await c.get('/openapi/v3/apis/big.example.io/v1');
    assert.equal(v3.status, 200);
    assert.ok(v3.json<{ components: { schemas: Record<string, unknown> } }>().components.schemas['io.example.big.v1.Monitor']);
  });

  it('deleting the CRD deletes its custom resources, then the CRD, and the resource answers 404', async () => {
    const del = await c.del(`${CRDS}/widgets.example.com`);
    assert.ok(del.status === 200 || del.status === 202, del.body);
    await eventually(() => c.get(`${CRDS}/widgets.example.com`), (r) => r.status === 404);
    assert.equal((await c.get(`${WIDGETS}/w1`)).status, 404);
    const groups = (await c.get('/apis')).json<{ groups: { name: string }[] }>();
    assert.equal(groups.groups.some((g) => g.name === 'example.com'), false);
    // Nothing is left in storage: a new CRD of the same name starts empty.
    assert.equal((await c.post(CRDS, widgetCRD())).status, 201);
    const list = await eventually(() => c.get(WIDGETS), (r) => r.status === 200);
    assert.deepEqual(list.json<List>().items, []);
  });

  it('serves every stored CRD after a restart before /readyz is ok', async () => {
    assert.equal((await c.post(WIDGETS, widget('kept', { size: 'S' }))).status, 201);
    await fd.stop({ keepDataDir: true });
    fd = await startFrontdoor({ dataDir: fd.dataDir });
    c = await startedClient(fd);
    await eventually(() => c.get('/readyz'), (r) => r.status === 200);
    const got = await c.get(`${WIDGETS}/kept`);
    assert.equal(got.status, 200, got.body);
  });
});
