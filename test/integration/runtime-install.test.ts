import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nameIsDNSSubdomain } from '../../src/apimachinery/validation/names.js';
import type { ResourceDefinition } from '../../src/registry/resource-definition.js';
import { eventually } from '../helpers/https.js';
import { startInProcess, statusOf, type Client, type InProcess, type List, type Obj } from './api-helpers.js';

/** A resource that exists only in this test: example.com/v1 widgets, namespaced, with a status subresource. */
const widgets: ResourceDefinition = {
  info: { group: 'example.com', version: 'v1', resource: 'widgets', singularName: 'widget', kind: 'Widget', namespaced: true, shortNames: ['wg'] },
  nameValidator: nameIsDNSSubdomain,
  strategy: {},
  generation: 'spec',
  status: {},
  tableColumns: [],
};

const WIDGETS = '/apis/example.com/v1/namespaces/default/widgets';
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

interface GroupList {
  groups: { name: string; versions: { groupVersion: string }[] }[];
}
interface AggregatedList {
  items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; verbs: string[] }[] }[] }[];
}

/** The server's view of example.com in /apis, aggregated discovery and /openapi/v3. */
async function published(c: Client): Promise<{ legacy: boolean; aggregated: string[]; openapi: boolean }> {
  const legacy = (await c.get('/apis')).json<GroupList>().groups.some((g) => g.name === 'example.com');
  const agg = (await c.get('/apis', AGGREGATED)).json<AggregatedList>();
  const group = agg.items.find((g) => g.metadata.name === 'example.com');
  const aggregated = group?.versions.flatMap((v) => v.resources.map((r) => `${v.version}/${r.resource}`)) ?? [];
  const paths = (await c.get('/openapi/v3')).json<{ paths: Record<string, unknown> }>().paths;
  return { legacy, aggregated, openapi: 'apis/example.com/v1' in paths };
}

describe('installing and removing a resource at runtime', () => {
  let srv: InProcess;
  let c: Client;
  before(async () => {
    srv = await startInProcess();
    c = srv.client;
  });
  after(async () => {
    await srv.stop();
  });

  it('is not served before it is installed', async () => {
    const r = await c.get(WIDGETS);
    assert.equal(r.status, 404);
    assert.deepEqual(await published(c), { legacy: false, aggregated: [], openapi: false });
  });

  it('appears in discovery and OpenAPI once installed, and serves every verb', async () => {
    srv.chain.master.installResource(widgets);
    const seen = await published(c);
    assert.equal(seen.legacy, true);
    assert.ok(seen.aggregated.includes('v1/widgets'), JSON.stringify(seen));
    assert.equal(seen.openapi, true);
    const gv = (await c.get('/apis/example.com/v1')).json<{ resources: { name: string; kind: string; namespaced: boolean; shortNames?: string[] }[] }>();
    const res = gv.resources.find((x) => x.name === 'widgets');
    assert.deepEqual([res?.kind, res?.namespaced, res?.shortNames], ['Widget', true, ['wg']]);
    assert.ok(gv.resources.some((x) => x.name === 'widgets/status'));

    const created = await c.post(WIDGETS, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1 } });
    assert.equal(created.status, 201, created.body);
    const w = created.json<Obj>();
    assert.equal(w.metadata.generation, 1);
    const got = (await c.get(`${WIDGETS}/w1`)).json<Obj>();
    assert.deepEqual(got.spec, { size: 1 });
    const patched = await c.patch(`${WIDGETS}/w1`, 'merge', { spec: { size: 2 } });
    assert.equal(patched.status, 200, patched.body);
    assert.equal(patched.json<Obj>().metadata.generation, 2);
    const put = await c.put(`${WIDGETS}/w1`, { ...patched.json<Obj>(), spec: { size: 3 } });
    assert.equal(put.status, 200, put.body);
    const list = (await c.get(WIDGETS)).json<List>();
    assert.equal(list.kind, 'WidgetList');
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['w1']);
    const del = await c.del(`${WIDGETS}/w1`);
    assert.equal(del.status, 200, del.body);
    assert.equal((await c.get(`${WIDGETS}/w1`)).status, 404);
  });

  it('removal while requests are in flight: each request succeeds or is 404, none fails or hangs; then it is gone', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await c.post(WIDGETS, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: `busy-${i}` } });
      assert.equal(r.status, 201, r.body);
    }
    // A watch open across the removal must end rather than hang.
    const watch = c.watch(`${WIDGETS}?watch=true`);
    await watch.until((e) => e.filter((x) => x.type === 'ADDED').length === 5);

    let removed = false;
    const outcomes: number[] = [];
    let afterRemoval = 0;
    const worker = async (n: number) => {
      for (let i = 0; ; i++) {
        const wasRemoved = removed;
        const ops = [
          () => c.get(WIDGETS),
          () => c.get(`${WIDGETS}/busy-${i % 5}`),
          () => c.post(WIDGETS, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { generateName: `load-${n}-` } }),
          () => c.patch(`${WIDGETS}/busy-${i % 5}`, 'merge', { metadata: { labels: { i: String(i) } } }),
        ];
        const r = await ops[i % ops.length]!();
        outcomes.push(r.status);
        if (r.status === 404) statusOf(r);
        if (wasRemoved && ++afterRemoval >= 20) return;
      }
    };
    const workers = Array.from({ length: 4 }, (_, n) => worker(n));
    // Let the load run for a while, then remove the resource mid-flight.
    await eventually(async () => outcomes.length, (n) => n >= 40, { tries: 200, intervalMs: 25 });
    const ok = await srv.chain.master.uninstallResource('example.com', 'v1', 'widgets');
    assert.equal(ok, true);
    removed = true;
    await Promise.all(workers);

    const bad = outcomes.filter((s) => ![200, 201, 404].includes(s));
    assert.deepEqual(bad, [], `unexpected statuses: ${JSON.stringify(bad)}`);
    assert.ok(outcomes.includes(404), 'requests after the removal are 404');
    assert.ok(outcomes.some((s) => s === 200 || s === 201), 'requests before the removal succeeded');
    await watch.ended;
    watch.close();

    const r = await c.get(`${WIDGETS}/busy-0`);
    assert.equal(r.status, 404);
    assert.equal(statusOf(r).reason, 'NotFound');
    assert.deepEqual(await published(c), { legacy: false, aggregated: [], openapi: false });
    assert.equal((await c.get('/apis/example.com/v1')).status, 404);
  });

  it('can be installed again, and serves what is stored', async () => {
    srv.chain.master.installResource(widgets);
    const list = await eventually(() => c.get(WIDGETS), (r) => r.status === 200);
    const names = list.json<List>().items.map((i) => i.metadata.name);
    for (let i = 0; i < 5; i++) assert.ok(names.includes(`busy-${i}`), `busy-${i} survived the removal: ${names.join(',')}`);
    assert.equal((await published(c)).legacy, true);
    assert.equal(await srv.chain.master.uninstallResource('example.com', 'v1', 'widgets'), true);
    assert.equal(await srv.chain.master.uninstallResource('example.com', 'v1', 'widgets'), false);
  });
});
