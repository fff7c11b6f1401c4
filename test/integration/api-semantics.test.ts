import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYAML } from 'yaml';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { configMap, startedClient, statusOf, type Client, type List, type Obj } from './api-helpers.js';

const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';
const cmPath = (ns: string, name = '') => `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

function deployment(name: string, replicas = 1): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

/** kube's object semantics, observed over HTTPS. */
describe('API semantics over HTTPS', () => {
  let fd: Frontdoor;
  let c: Client;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    for (const ns of ['sem-list', 'sem-other', 'sem-watch']) {
      const r = await c.post('/api/v1/namespaces', { metadata: { name: ns } });
      assert.equal(r.status, 201, r.body);
    }
  });
  after(async () => {
    await fd.stop();
  });

  const ok = (r: { status: number; body: string }, code = 200) => {
    assert.equal(r.status, code, r.body);
    return JSON.parse(r.body) as Obj;
  };

  it('sets uid, creationTimestamp and resourceVersion on create', async () => {
    const o = ok(await c.post(cmPath('default'), configMap('meta', { metadata: { uid: 'mine', creationTimestamp: '2001-01-01T00:00:00Z' } })), 201);
    assert.match(o.metadata.uid!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(o.metadata.uid, 'mine');
    assert.match(o.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.notEqual(o.metadata.creationTimestamp, '2001-01-01T00:00:00Z');
    assert.match(o.metadata.resourceVersion!, /^\d+$/);
    assert.deepEqual(ok(await c.get(cmPath('default', 'meta'))).metadata, o.metadata);
  });

  it('generateName gives each object a unique <base><5 chars> name', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const o = ok(await c.post(cmPath('default'), { metadata: { generateName: 'gen-' } }), 201);
      assert.match(o.metadata.name!, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(o.metadata.generateName, 'gen-');
      names.add(o.metadata.name!);
    }
    assert.equal(names.size, 6);
  });

  it('bumps generation on a deployment spec change, not on a label change', async () => {
    const d = ok(await c.post(DEPLOYMENTS, deployment('gen')), 201);
    assert.equal(d.metadata.generation, 1);
    const labelled = ok(await c.patch(`${DEPLOYMENTS}/gen`, 'merge', { metadata: { labels: { x: 'y' } } }));
    assert.equal(labelled.metadata.generation, 1);
    const scaled = ok(await c.patch(`${DEPLOYMENTS}/gen`, 'merge', { spec: { replicas: 3 } }));
    assert.equal(scaled.metadata.generation, 2);
  });

  it('ignores status on the main endpoint; /status changes only status', async () => {
    const created = ok(await c.post(DEPLOYMENTS, { ...deployment('st'), status: { replicas: 7 } }), 201);
    assert.equal((created.status as { replicas?: number } | undefined)?.replicas, undefined);
    const put = ok(await c.put(`${DEPLOYMENTS}/st`, { ...created, status: { replicas: 5 } }));
    assert.equal((put.status as { replicas?: number } | undefined)?.replicas, undefined);
    const viaStatus = ok(
      await c.put(`${DEPLOYMENTS}/st/status`, { ...put, spec: { ...(put.spec as object), replicas: 9 }, status: { replicas: 4 } }),
    );
    assert.equal((viaStatus.status as { replicas: number }).replicas, 4);
    assert.equal((viaStatus.spec as { replicas: number }).replicas, 1, 'spec does not move through /status');
    assert.equal(viaStatus.metadata.generation, 1);
    const now = ok(await c.get(`${DEPLOYMENTS}/st`));
    assert.deepEqual([(now.spec as { replicas: number }).replicas, (now.status as { replicas: number }).replicas], [1, 4]);
  });

  it('finalizers: delete marks the object (200 with the object, as kube), no new finalizer while deleting, removing the last one deletes it', async () => {
    ok(await c.post(cmPath('default'), configMap('fin', { metadata: { finalizers: ['example.com/hold'] } })), 201);
    const marked = ok(await c.del(cmPath('default', 'fin')), 200);
    assert.match(marked.metadata.deletionTimestamp!, /Z$/);
    // 202 only for a client that asks for orphanDependents=false, as kube keeps it for old clients.
    ok(await c.post(cmPath('default'), configMap('fin2', { metadata: { finalizers: ['example.com/hold'] } })), 201);
    const accepted = await c.send('DELETE', cmPath('default', 'fin2'), { body: { kind: 'DeleteOptions', apiVersion: 'v1', orphanDependents: false } });
    assert.equal(accepted.status, 202, accepted.body);
    ok(await c.patch(cmPath('default', 'fin2'), 'merge', { metadata: { finalizers: [] } }));
    const still = ok(await c.get(cmPath('default', 'fin')));
    assert.equal(still.metadata.deletionTimestamp, marked.metadata.deletionTimestamp);
    const added = await c.patch(cmPath('default', 'fin'), 'merge', { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } });
    assert.equal(added.status, 422, added.body);
    const s = statusOf(added);
    assert.equal(s.reason, 'Invalid');
    assert.equal(
      s.message,
      'ConfigMap "fin" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}',
    );
    ok(await c.patch(cmPath('default', 'fin'), 'merge', { metadata: { finalizers: null } }));
    assert.equal((await c.get(cmPath('default', 'fin'))).status, 404);
  });

  it('preconditions in DeleteOptions: a uid mismatch is 409', async () => {
    const o = ok(await c.post(cmPath('default'), configMap('pre')), 201);
    const r = await c.del(cmPath('default', 'pre'), { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-the-uid' } });
    assert.equal(r.status, 409, r.body);
    const s = statusOf(r);
    assert.equal(s.reason, 'Conflict');
    assert.equal(s.message, `Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${o.metadata.uid}`);
    ok(await c.del(cmPath('default', 'pre'), { preconditions: { uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion } }));
    assert.equal((await c.get(cmPath('default', 'pre'))).status, 404);
  });

  it('dryRun=All on create, update and delete stores nothing', async () => {
    const dry = ok(await c.send('POST', `${cmPath('default')}?dryRun=All`, { body: configMap('dry', { data: { a: '1' } }) }), 201);
    assert.equal(dry.metadata.name, 'dry');
    assert.equal((await c.get(cmPath('default', 'dry'))).status, 404);

    const real = ok(await c.post(cmPath('default'), configMap('dry', { data: { a: '1' } })), 201);
    const upd = ok(await c.send('PUT', `${cmPath('default', 'dry')}?dryRun=All`, { body: { ...real, data: { a: '2' } } }));
    assert.deepEqual(upd.data, { a: '2' });
    const patched = ok(await c.send('PATCH', `${cmPath('default', 'dry')}?dryRun=All`, { body: { data: { a: '3' } }, contentType: 'application/merge-patch+json' }));
    assert.deepEqual(patched.data, { a: '3' });
    ok(await c.send('DELETE', `${cmPath('default', 'dry')}?dryRun=All`));
    ok(await c.del(cmPath('default', 'dry'), { dryRun: ['All'] }));
    const after = ok(await c.get(cmPath('default', 'dry')));
    assert.deepEqual(after.data, { a: '1' });
    assert.equal(after.metadata.resourceVersion, real.metadata.resourceVersion);
  });

  it('optimistic concurrency: of two updates from the same resourceVersion one wins, the other is 409', async () => {
    const o = ok(await c.post(cmPath('default'), configMap('occ')), 201);
    const [a, b] = await Promise.all([c.put(cmPath('default', 'occ'), { ...o, data: { by: 'a' } }), c.put(cmPath('default', 'occ'), { ...o, data: { by: 'b' } })]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const winner = a.status === 200 ? 'a' : 'b';
    assert.deepEqual(ok(await c.get(cmPath('default', 'occ'))).data, { by: winner });
    // Without a resourceVersion, an update is unconditional.
    const { resourceVersion: _rv, ...meta } = o.metadata;
    ok(await c.put(cmPath('default', 'occ'), { ...o, metadata: meta, data: { by: 'last' } }));
  });

  describe('lists', () => {
    before(async () => {
      for (let i = 0; i < 23; i++) {
        const labels: Record<string, string> = { tier: i % 3 === 0 ? 'front' : i % 3 === 1 ? 'back' : 'db' };
        if (i % 2 === 0) labels.even = 'yes';
        ok(await c.post(cmPath('sem-list'), configMap(`item-${String(i).padStart(2, '0')}`, { labels })), 201);
      }
      ok(await c.post(cmPath('sem-other'), configMap('item-00', { labels: { tier: 'front' } })), 201);
    });

    it('pages with limit and continue, counting what remains', async () => {
      const names: string[] = [];
      let cont = '';
      const remaining: (number | undefined)[] = [];
      let rv = '';
      for (let page = 0; page < 10; page++) {
        const l = ok(await c.get(`${cmPath('sem-list')}?limit=5${cont ? `&continue=${cont}` : ''}`)) as unknown as List;
        names.push(...l.items.map((i) => i.metadata.name!));
        remaining.push(l.metadata.remainingItemCount);
        if (page === 0) rv = l.metadata.resourceVersion;
        else assert.equal(l.metadata.resourceVersion, rv, 'every page is read at the first page\'s revision');
        if (!l.metadata.continue) break;
        cont = l.metadata.continue;
      }
      assert.equal(names.length, 23);
      assert.deepEqual(names, [...names].sort());
      assert.deepEqual(remaining, [18, 13, 8, 3, undefined]);
    });

    it('serves resourceVersion=0 (from the cache) and lists across namespaces', async () => {
      const zero = ok(await c.get(`${cmPath('sem-list')}?resourceVersion=0`)) as unknown as List;
      assert.equal(zero.items.length, 23);
      assert.match(zero.metadata.resourceVersion, /^\d+$/);
      const all = ok(await c.get('/api/v1/configmaps?labelSelector=tier%3Dfront')) as unknown as List;
      const where = all.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
      assert.ok(where.includes('sem-other/item-00') && where.includes('sem-list/item-00'), where.join(','));
      assert.equal(all.kind, 'ConfigMapList');
    });

    it('filters with every label selector operator', async () => {
      const names = async (selector: string) =>
        (ok(await c.get(`${cmPath('sem-list')}?labelSelector=${encodeURIComponent(selector)}`)) as unknown as List).items.map((i) => Number(i.metadata.name!.slice(5)));
      const all = Array.from({ length: 23 }, (_, i) => i);
      const tier = (i: number) => (i % 3 === 0 ? 'front' : i % 3 === 1 ? 'back' : 'db');
      assert.deepEqual(await names('tier=front'), all.filter((i) => tier(i) === 'front'));
      assert.deepEqual(await names('tier==back'), all.filter((i) => tier(i) === 'back'));
      assert.deepEqual(await names('tier!=front'), all.filter((i) => tier(i) !== 'front'));
      assert.deepEqual(await names('tier in (back,db)'), all.filter((i) => tier(i) !== 'front'));
      assert.deepEqual(await names('tier notin (back,db)'), all.filter((i) => tier(i) === 'front'));
      assert.deepEqual(await names('even'), all.filter((i) => i % 2 === 0));
      assert.deepEqual(await names('!even'), all.filter((i) => i % 2 === 1));
      assert.deepEqual(await names('even,tier=db'), all.filter((i) => i % 2 === 0 && tier(i) === 'db'));
    });

    it('filters with field selectors: metadata.name, metadata.namespace, and a kind\'s own (secrets type)', async () => {
      const byName = ok(await c.get(`${cmPath('sem-list')}?fieldSelector=metadata.name%3Ditem-07`)) as unknown as List;
      assert.deepEqual(byName.items.map((i) => i.metadata.name), ['item-07']);
      const notName = ok(await c.get(`${cmPath('sem-list')}?fieldSelector=metadata.name!%3Ditem-07`)) as unknown as List;
      assert.equal(notName.items.length, 22);
      const byNs = ok(await c.get('/api/v1/configmaps?fieldSelector=metadata.namespace%3Dsem-other')) as unknown as List;
      assert.deepEqual(byNs.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`), ['sem-other/item-00']);
      ok(await c.post('/api/v1/namespaces/sem-list/secrets', { metadata: { name: 'opaque' }, type: 'Opaque', data: { a: 'YQ==' } }), 201);
      ok(await c.post('/api/v1/namespaces/sem-list/secrets', { metadata: { name: 'custom' }, type: 'example.com/custom', data: { a: 'YQ==' } }), 201);
      const typed = ok(await c.get('/api/v1/namespaces/sem-list/secrets?fieldSelector=type%3Dexample.com%2Fcustom')) as unknown as List;
      assert.deepEqual(typed.items.map((i) => i.metadata.name), ['custom']);
    });

    it('deletecollection with a label selector deletes just those', async () => {
      const r = await c.send('DELETE', `${cmPath('sem-list')}?labelSelector=tier%3Ddb`);
      assert.equal(r.status, 200, r.body);
      const gone = JSON.parse(r.body) as List;
      assert.equal(gone.kind, 'ConfigMapList');
      assert.equal(gone.items.length, 7);
      const left = ok(await c.get(cmPath('sem-list'))) as unknown as List;
      assert.equal(left.items.length, 16);
      assert.ok(left.items.every((i) => i.metadata.labels?.tier !== 'db'));
    });
  });

  describe('watch', () => {
    it('streams ADDED, MODIFIED and DELETED from a resourceVersion as newline-delimited JSON', async () => {
      const first = ok(await c.post(cmPath('sem-watch'), configMap('w-before')), 201);
      const w = c.watch(`${cmPath('sem-watch')}?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
      ok(await c.post(cmPath('sem-watch'), configMap('w1', { data: { a: '1' } })), 201);
      ok(await c.patch(cmPath('sem-watch', 'w1'), 'merge', { data: { a: '2' } }));
      ok(await c.del(cmPath('sem-watch', 'w1')));
      const events = await w.until((e) => e.length >= 3);
      w.close();
      assert.equal(w.status, 200);
      assert.match(w.contentType, /^application\/json/);
      assert.deepEqual(
        events.map((e) => [e.type, (e.object as unknown as Obj).metadata.name]),
        [['ADDED', 'w1'], ['MODIFIED', 'w1'], ['DELETED', 'w1']],
        'w-before is older than the resourceVersion and is not replayed',
      );
      assert.deepEqual((events[1]!.object as unknown as Obj).data, { a: '2' });
      assert.equal((events[0]!.object as unknown as Obj).kind, 'ConfigMap');
    });

    it('with a label selector, an object leaving the selector arrives as DELETED', async () => {
      const base = ok(await c.post(cmPath('sem-watch'), configMap('sel', { labels: { app: 'in' } })), 201);
      const w = c.watch(`${cmPath('sem-watch')}?watch=1&labelSelector=app%3Din&resourceVersion=${base.metadata.resourceVersion}`);
      ok(await c.patch(cmPath('sem-watch', 'sel'), 'merge', { data: { x: '1' } }));
      ok(await c.post(cmPath('sem-watch'), configMap('never', { labels: { app: 'out' } })), 201);
      const left = ok(await c.patch(cmPath('sem-watch', 'sel'), 'merge', { metadata: { labels: { app: 'out' } } }));
      const events = await w.until((e) => e.some((x) => x.type === 'DELETED'));
      w.close();
      assert.deepEqual(events.map((e) => [e.type, (e.object as unknown as Obj).metadata.name]), [['MODIFIED', 'sel'], ['DELETED', 'sel']]);
      // kube's cacher: the previous content (still selected), at the revision of the change.
      const deleted = events[1]!.object as unknown as Obj;
      assert.equal(deleted.metadata.labels?.app, 'in');
      assert.equal(deleted.metadata.resourceVersion, left.metadata.resourceVersion);
    });

    it('timeoutSeconds ends the stream', async () => {
      const w = c.watch(`${cmPath('sem-watch')}?watch=true&timeoutSeconds=1`);
      await w.ended;
      assert.equal(w.status, 200);
    });

    it('sendInitialEvents gives the current state as ADDED, then a BOOKMARK marking the end of initial events', async () => {
      const w = c.watch(`${cmPath('sem-watch')}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
      const events = await w.until((e) => e.some((x) => x.type === 'BOOKMARK'));
      w.close();
      const bookmarkAt = events.findIndex((e) => e.type === 'BOOKMARK');
      const initial = events.slice(0, bookmarkAt);
      assert.ok(initial.length >= 2, JSON.stringify(events));
      assert.ok(initial.every((e) => e.type === 'ADDED'));
      const names = initial.map((e) => (e.object as unknown as Obj).metadata.name);
      assert.ok(names.includes('w-before') && names.includes('sel'), names.join(','));
      const bookmark = events[bookmarkAt]!.object as unknown as Obj;
      assert.equal(bookmark.kind, 'ConfigMap');
      assert.equal(bookmark.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
      assert.match(bookmark.metadata.resourceVersion!, /^\d+$/);
    });

    it('accepts watch=true, watch=1, watch=True and the /watch/ path; no bookmarks unless asked for', async () => {
      for (const path of [
        `${cmPath('sem-watch')}?watch=true&timeoutSeconds=1`,
        `${cmPath('sem-watch')}?watch=1&timeoutSeconds=1`,
        `${cmPath('sem-watch')}?watch=True&timeoutSeconds=1`,
        '/api/v1/watch/namespaces/sem-watch/configmaps?timeoutSeconds=1',
      ]) {
        const w = c.watch(path);
        await w.ended;
        assert.equal(w.status, 200, path);
        const names = w.events.map((e) => `${e.type}:${(e.object as unknown as Obj).metadata.name}`);
        assert.ok(names.includes('ADDED:w-before') && names.includes('ADDED:sel'), `${path}: ${names.join(',')}`);
        assert.ok(!w.events.some((e) => e.type === 'BOOKMARK'), `${path} sent a bookmark it was not asked for`);
      }
      // A watch of one object by name on the /watch/ path.
      const one = c.watch('/api/v1/watch/namespaces/sem-watch/configmaps/sel?timeoutSeconds=1');
      await one.ended;
      assert.deepEqual(one.events.map((e) => [e.type, (e.object as unknown as Obj).metadata.name]), [['ADDED', 'sel']]);
    });
  });

  describe('content', () => {
    interface Table {
      kind: string;
      apiVersion: string;
      metadata: { resourceVersion?: string };
      columnDefinitions: { name: string; type: string; priority: number }[] | null;
      rows: { cells: unknown[]; object?: Obj }[];
    }

    it('as=Table on get and list: column definitions and rows, includeObject None|Metadata|Object', async () => {
      ok(await c.post(cmPath('default'), configMap('tbl', { data: { a: '1', b: '2' } })), 201);
      const one = ok(await c.get(cmPath('default', 'tbl'), TABLE)) as unknown as Table;
      assert.equal(one.kind, 'Table');
      assert.equal(one.apiVersion, 'meta.k8s.io/v1');
      assert.deepEqual(one.columnDefinitions!.map((d) => d.name), ['Name', 'Data', 'Age']);
      assert.deepEqual(one.rows[0]!.cells.slice(0, 2), ['tbl', 2]);
      assert.equal(one.rows[0]!.object?.kind, 'PartialObjectMetadata', 'includeObject defaults to Metadata');

      const list = ok(await c.get(`${cmPath('default')}?fieldSelector=metadata.name%3Dtbl`, `${TABLE};includeObject=Object`)) as unknown as Table;
      assert.equal(list.rows.length, 1);
      assert.equal(list.rows[0]!.object?.kind, 'ConfigMap');
      assert.deepEqual(list.rows[0]!.object?.data, { a: '1', b: '2' });
      assert.match(list.metadata.resourceVersion!, /^\d+$/);

      const none = ok(await c.get(cmPath('default'), `${TABLE};includeObject=None`)) as unknown as Table;
      assert.ok(none.rows.length > 1);
      assert.ok(none.rows.every((r) => r.object === undefined));
    });

    it('as=Table on watch: each event carries a Table with that object\'s row', async () => {
      const base = ok(await c.get(cmPath('sem-watch'))) as unknown as List;
      const w = c.watch(`${cmPath('sem-watch')}?watch=true&resourceVersion=${base.metadata.resourceVersion}`, { accept: TABLE });
      ok(await c.post(cmPath('sem-watch'), configMap('tw', { data: { a: '1' } })), 201);
      ok(await c.patch(cmPath('sem-watch', 'tw'), 'merge', { data: { b: '2' } }));
      const events = await w.until((e) => e.length >= 2);
      w.close();
      assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED']);
      const [added, modified] = events.map((e) => e.object as unknown as Table);
      assert.equal(added!.kind, 'Table');
      assert.deepEqual(added!.columnDefinitions!.map((d) => d.name), ['Name', 'Data', 'Age']);
      assert.deepEqual(added!.rows.map((r) => r.cells.slice(0, 2)), [['tw', 1]]);
      assert.deepEqual(modified!.rows.map((r) => r.cells.slice(0, 2)), [['tw', 2]]);
    });

    it('as=PartialObjectMetadata and PartialObjectMetadataList', async () => {
      const one = ok(await c.get(cmPath('default', 'tbl'), 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'));
      assert.equal(one.kind, 'PartialObjectMetadata');
      assert.equal(one.apiVersion, 'meta.k8s.io/v1');
      assert.equal(one.metadata.name, 'tbl');
      assert.equal(one.data, undefined);
      const list = ok(await c.get(cmPath('default'), 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1')) as unknown as List;
      assert.equal(list.kind, 'PartialObjectMetadataList');
      assert.ok(list.items.length > 1);
      assert.ok(list.items.every((i) => i.kind === 'PartialObjectMetadata' && i.metadata.name && (i as Obj).data === undefined));
    });

    it('YAML in (Content-Type application/yaml) and out (Accept application/yaml)', async () => {
      const created = await c.send('POST', cmPath('default'), {
        raw: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-in\n  labels:\n    from: yaml\ndata:\n  key: "value: with colon"\n',
        contentType: 'application/yaml',
      });
      const o = ok(created, 201);
      assert.deepEqual(o.data, { key: 'value: with colon' });
      const out = await c.get(cmPath('default', 'yaml-in'), 'application/yaml');
      assert.equal(out.status, 200);
      assert.match(String(out.headers['content-type']), /^application\/yaml/);
      const parsed = parseYAML(out.body) as Obj;
      assert.equal(parsed.kind, 'ConfigMap');
      assert.deepEqual(parsed.data, { key: 'value: with colon' });
      assert.deepEqual(parsed.metadata.labels, { from: 'yaml' });
      // As kube writes YAML: timestamps quoted (they are strings), keys sorted.
      assert.match(out.body, /\n {2}creationTimestamp: "\d{4}-\d\d-\d\dT[\d:]+Z"\n/);
      assert.ok(out.body.indexOf('apiVersion:') < out.body.indexOf('data:') && out.body.indexOf('data:') < out.body.indexOf('kind:'));
    });

    it('JSON patch (a failing test op is 422) and merge patch', async () => {
      ok(await c.post(cmPath('default'), configMap('patchme', { data: { a: '1', b: '2' } })), 201);
      const jp = ok(
        await c.patch(cmPath('default', 'patchme'), 'json', [
          { op: 'test', path: '/data/a', value: '1' },
          { op: 'replace', path: '/data/a', value: 'one' },
          { op: 'add', path: '/metadata/labels', value: { p: 'q' } },
        ]),
      );
      assert.deepEqual(jp.data, { a: 'one', b: '2' });
      assert.deepEqual(jp.metadata.labels, { p: 'q' });
      const failed = await c.patch(cmPath('default', 'patchme'), 'json', [{ op: 'test', path: '/data/a', value: 'nope' }, { op: 'remove', path: '/data/b' }]);
      assert.equal(failed.status, 422, failed.body);
      const s = statusOf(failed);
      assert.equal(s.reason, 'Invalid');
      assert.equal(s.message, 'the server rejected our request due to an error in our request');
      const mp = ok(await c.patch(cmPath('default', 'patchme'), 'merge', { data: { b: null, c: '3' }, metadata: { labels: { p: null, r: 's' } } }));
      assert.deepEqual(mp.data, { a: 'one', c: '3' });
      assert.deepEqual(mp.metadata.labels, { r: 's' });
      const bad = await c.send('PATCH', cmPath('default', 'patchme'), { raw: '{"data":', contentType: 'application/merge-patch+json' });
      assert.equal(bad.status, 400);
      assert.match(statusOf(bad).message, /^error decoding patch: /);
    });
  });
});
