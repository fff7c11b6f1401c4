/**
 * The watch cache over the real SQLite backend (a fresh temp database per test):
 * first the shared conformance suite through a cacher per resource, then what
 * only a cache does (fan-out, slow watchers, the window, NotOlderThan reads,
 * relisting, bookmarks).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Cacher, type CacherClock, type CacherOptions, encodeOnce } from '../../src/storage/cacher/index.js';
import type { ListOptions, Storage, StorageBackend, StoredObject, WatchEvent, WatchOptions, Watcher } from '../../src/storage/interfaces.js';
import { KeyNotFoundError, isExpired, isTooLargeResourceVersion } from '../../src/storage/errors.js';
import { WatchChannel } from '../../src/storage/watch-channel.js';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runStorageConformance, type StorageFixture } from './conformance.js';

async function openSqlite(): Promise<{ backend: StorageBackend; close(): Promise<void> }> {
  const dir = await makeTempDir('frontdoor-cacher-');
  const backend = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
  return {
    backend,
    close: async () => {
      await backend.close();
      await dir.remove();
    },
  };
}

// ---------------------------------------------------------------------------
// The conformance suite, with storage = one cacher per resource (as the server
// has), backend = SQLite.
// ---------------------------------------------------------------------------

/** Every resource prefix the conformance suite writes under. */
const CONFORMANCE_RESOURCES = ['/pods', '/counters', '/cm', '/configmaps', '/w', '/multi', '/many'];

/** Routes each call to the cacher of the key's resource (its first path segment), else to the backend. */
function cachedStorage(backend: StorageBackend, cachers: Map<string, Cacher>): Storage {
  const route = (key: string): Storage => cachers.get(`/${key.split('/')[1] ?? ''}`) ?? backend;
  return {
    create: (key, obj) => route(key).create(key, obj),
    get: (key, opts) => route(key).get(key, opts),
    list: (prefix, opts) => route(prefix).list(prefix, opts),
    guaranteedUpdate: (key, fn, opts) => route(key).guaranteedUpdate(key, fn, opts),
    delete: (key, opts) => route(key).delete(key, opts),
    watch: (key, opts) => route(key).watch(key, opts),
    count: (prefix) => route(prefix).count(prefix),
    currentRevision: () => backend.currentRevision(),
  };
}

async function cacherFixture(): Promise<StorageFixture> {
  const db = await openSqlite();
  const cachers = new Map<string, Cacher>();
  for (const prefix of CONFORMANCE_RESOURCES) cachers.set(prefix, new Cacher({ storage: db.backend, resourcePrefix: prefix }));
  await Promise.all([...cachers.values()].map((c) => c.start()));
  return {
    storage: cachedStorage(db.backend, cachers),
    backend: db.backend,
    close: async () => {
      for (const c of cachers.values()) await c.stop();
      await db.close();
    },
  };
}

runStorageConformance('cacher over sqlite', cacherFixture, {
  skip: [
    {
      reason:
        'the cache serves watches from its own event window, which backend compaction does not shorten (as kube\'s cacher); ' +
        'its own expiry is tested below',
      tests: ['watch from a compacted revision ends with an Expired ERROR event'],
    },
  ],
});

// ---------------------------------------------------------------------------
// Wrappers and helpers
// ---------------------------------------------------------------------------

/** Counts reads that reach the backend, and lets a test end or hold the cache's backend watch. */
function instrument(backend: StorageBackend) {
  const counts = { list: 0, get: 0, watch: 0 };
  let current: WatchChannel | undefined;
  let gate: Promise<void> = Promise.resolve();
  let openGate = (): void => {};
  const proxy = new Proxy(backend, {
    get(target, prop, receiver) {
      if (prop === 'list') return (p: string, o?: ListOptions) => (counts.list++, target.list(p, o));
      if (prop === 'get') return (k: string, o?: { revision?: number }) => (counts.get++, target.get(k, o));
      if (prop === 'watch') {
        return (key: string, opts?: WatchOptions): Watcher => {
          counts.watch++;
          // A watcher whose real backend watch only opens when the gate does.
          let inner: Watcher | undefined;
          const ch = new WatchChannel({ onStop: () => inner?.stop() });
          current = ch;
          void gate.then(async () => {
            if (ch.isClosed) return;
            inner = target.watch(key, opts);
            for await (const ev of inner) if (!ch.push(ev)) break;
            ch.close();
          });
          return ch;
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return {
    backend: proxy,
    counts,
    /** Ends the cache's backend watch; the next one opens only after release(). */
    breakWatch(): void {
      gate = new Promise((r) => (openGate = r));
      current?.close();
    },
    release(): void {
      openGate();
    },
  };
}

class ManualClock implements CacherClock {
  private timers = new Set<{ fn: () => void; ms: number }>();
  setTimeout(fn: () => void, ms: number): () => void {
    const t = { fn, ms };
    this.timers.add(t);
    return () => this.timers.delete(t);
  }
  /** Fires every pending timer of exactly this duration. */
  fire(ms: number): void {
    for (const t of [...this.timers]) if (t.ms === ms) {
      this.timers.delete(t);
      t.fn();
    }
  }
}

const FAILSAFE_MS = 10_000;

/** The next event, failing the test instead of hanging if none comes. */
async function nextEvent(it: AsyncIterator<WatchEvent>): Promise<WatchEvent | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([
    it.next(),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no watch event arrived')), FAILSAFE_MS))),
  ]).finally(() => clearTimeout(timer));
  return r.done ? undefined : r.value;
}

async function take(it: AsyncIterator<WatchEvent>, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for (let i = 0; i < n; i++) {
    const ev = await nextEvent(it);
    if (!ev) break;
    out.push(ev);
  }
  return out;
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const pod = (name: string, labels: Record<string, string> = {}, ns = 'default'): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
});
const rvOf = (o: StoredObject): number => Number(o.metadata?.resourceVersion);
const nameOf = (e: WatchEvent): string | undefined => e.object.metadata?.name;

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function setup(opts: Partial<CacherOptions> = {}) {
  const db = await openSqlite();
  const inst = instrument(db.backend);
  const cacher = new Cacher({ storage: inst.backend, resourcePrefix: '/pods', ...opts });
  closers.push(db.close, () => cacher.stop());
  await cacher.start();
  return { backend: db.backend, inst, cacher };
}

// ---------------------------------------------------------------------------

describe('watch cache', () => {
  const started = setup;

  test('a consistent get is answered by the cache once it has caught up, also after writes to other resources', async () => {
    const { backend, inst, cacher } = await started();
    const a = await cacher.create('/pods/default/a', pod('a'));
    // A write elsewhere moves the backend's revision past everything the pods cache has seen.
    await backend.create('/configmaps/default/x', { metadata: { name: 'x', namespace: 'default' } });
    const before = inst.counts.get;
    assert.equal(rvOf(await cacher.get('/pods/default/a')), rvOf(a));
    await assert.rejects(cacher.get('/pods/default/none'), KeyNotFoundError);
    // Read-your-writes: the answer after an acknowledged write is that write.
    const updated = await cacher.guaranteedUpdate('/pods/default/a', (cur) => ({ ...cur, spec: { n: 2 } }));
    assert.equal(rvOf(await cacher.get('/pods/default/a')), rvOf(updated));
    await cacher.delete('/pods/default/a');
    await assert.rejects(cacher.get('/pods/default/a'), KeyNotFoundError);
    assert.equal(inst.counts.get, before, 'the backend was not read');
  });

  test('SQLite notifies progress: a watch with bookmarks learns of a commit that has no event for it', async () => {
    const { backend } = await started();
    assert.equal(backend.notifiesProgress, true);
    const it = backend.watch('/pods/', { recursive: true, bookmarks: true })[Symbol.asyncIterator]();
    const other = await backend.create('/configmaps/default/y', { metadata: { name: 'y', namespace: 'default' } });
    const ev = await nextEvent(it);
    assert.equal(ev?.type, 'BOOKMARK');
    assert.equal(ev?.revision, rvOf(other));
    const mine = await backend.create('/pods/default/b', pod('b'));
    const next = await nextEvent(it);
    assert.equal(next?.type, 'ADDED', 'its own event, no bookmark besides');
    assert.equal(next?.revision, rvOf(mine));
    await it.return?.();
  });

  test('fan-out: every watcher gets the same event instance, encoded once', async () => {
    const { cacher } = await started();
    const its = Array.from({ length: 5 }, () => cacher.watch('/pods', { recursive: true })[Symbol.asyncIterator]());
    await waitFor(() => cacher.watcherCount === 5, 'watchers to attach');
    await cacher.create('/pods/default/a', pod('a'));
    const events = await Promise.all(its.map((it) => nextEvent(it)));
    const first = events[0] as WatchEvent;
    assert.equal(first.type, 'ADDED');
    for (const e of events) assert.equal(e, first, 'the same instance');
    let calls = 0;
    const encode = (e: WatchEvent) => (calls++, Buffer.from(JSON.stringify({ type: e.type, object: e.object })));
    const bytes = events.map((e) => encodeOnce(e as WatchEvent, 'json', encode));
    assert.equal(calls, 1);
    for (const b of bytes) assert.equal(b, bytes[0]);
    encodeOnce(first, 'yaml', encode);
    assert.equal(calls, 2, 'another encoding is encoded separately');
    for (const it of its) await it.return?.();
  });

  test('100 watchers each receive every event of a burst, in order', async () => {
    const { cacher } = await started();
    const its = Array.from({ length: 100 }, () => cacher.watch('/pods/default', { recursive: true })[Symbol.asyncIterator]());
    await waitFor(() => cacher.watcherCount === 100, 'watchers to attach');
    const written = await Promise.all(Array.from({ length: 50 }, (_, i) => cacher.create(`/pods/default/p${i}`, pod(`p${i}`))));
    const expected = written.map(rvOf).sort((a, b) => a - b);
    const all = await Promise.all(its.map((it) => take(it, 50)));
    for (const evs of all) assert.deepEqual(evs.map((e) => e.revision), expected);
    for (const it of its) await it.return?.();
  });

  test('a watcher that never reads is closed; a fast one gets everything', async () => {
    const { cacher } = await started({ watcherBufferSize: 10 });
    const slow = cacher.watch('/pods', { recursive: true });
    const fast = cacher.watch('/pods', { recursive: true })[Symbol.asyncIterator]();
    await waitFor(() => cacher.watcherCount === 2, 'watchers to attach');
    // 10x the buffer; the fast watcher reads each event before the next write, the slow one never reads.
    for (let i = 0; i < 100; i++) {
      const written = await cacher.create(`/pods/default/s${i}`, pod(`s${i}`));
      assert.equal((await nextEvent(fast))?.revision, rvOf(written));
    }
    assert.equal(cacher.watcherCount, 1, 'the slow watcher was dropped');
    const slowEvents: WatchEvent[] = [];
    for await (const e of slow) slowEvents.push(e);
    assert.ok(slowEvents.length <= 10, `slow watcher kept ${slowEvents.length} events`);
    assert.deepEqual(slowEvents.map(nameOf), slowEvents.map((_, i) => `s${i}`), 'what it got has no gap');
    await fast.return?.();
  });

  test('watch from a revision older than the window: one ERROR (Expired), then the end', async () => {
    const { cacher } = await started({ windowSize: 5 });
    const objs: StoredObject[] = [];
    for (let i = 0; i < 20; i++) objs.push(await cacher.create(`/pods/default/w${i}`, pod(`w${i}`)));
    const last = rvOf(objs[19] as StoredObject);
    await waitFor(() => cacher.revision === last, 'cache to catch up');
    const old = await take(cacher.watch('/pods', { recursive: true, revision: rvOf(objs[2] as StoredObject) })[Symbol.asyncIterator](), 5);
    assert.equal(old.length, 1);
    assert.equal(old[0]?.type, 'ERROR');
    assert.ok(isExpired(old[0]?.error));
    // Within the window: replayed.
    const w = cacher.watch('/pods', { recursive: true, revision: rvOf(objs[16] as StoredObject) })[Symbol.asyncIterator]();
    assert.deepEqual((await take(w, 3)).map(nameOf), ['w17', 'w18', 'w19']);
    await w.return?.();
  });

  test('watch with no revision starts after the current one; single key only', async () => {
    const { cacher } = await started();
    await cacher.create('/pods/default/k', pod('k'));
    await cacher.create('/pods/default/k2', pod('k2'));
    const it = cacher.watch('/pods/default/k')[Symbol.asyncIterator]();
    await waitFor(() => cacher.watcherCount === 1, 'watcher to attach');
    await cacher.guaranteedUpdate('/pods/default/k2', (o) => ({ ...o, spec: { x: 1 } }));
    await cacher.guaranteedUpdate('/pods/default/k', (o) => ({ ...o, spec: { x: 2 } }));
    const [e] = await take(it, 1);
    assert.equal(e?.type, 'MODIFIED');
    assert.equal(nameOf(e as WatchEvent), 'k');
    assert.equal(rvOf(e?.prevObject as StoredObject) < (e as WatchEvent).revision, true);
    await it.return?.();
  });

  test('a recursive watch covers its prefix as a directory; a single-key one only its key', async () => {
    const { cacher } = await started();
    const dir = cacher.watch('/pods/default', { recursive: true })[Symbol.asyncIterator]();
    const one = cacher.watch('/pods/default/a')[Symbol.asyncIterator]();
    await waitFor(() => cacher.watcherCount === 2, 'watchers to attach');
    await cacher.create('/pods/defaultx/a', pod('a', {}, 'defaultx'));
    await cacher.create('/pods/default/ab', pod('ab'));
    await cacher.create('/pods/default/a', pod('a'));
    assert.deepEqual((await take(dir, 2)).map(nameOf), ['ab', 'a']);
    const [e] = await take(one, 1);
    assert.equal(e?.object.metadata?.namespace, 'default');
    assert.equal(nameOf(e as WatchEvent), 'a');
    await dir.return?.();
    await one.return?.();
  });

  test('predicate: entering arrives as ADDED, leaving as DELETED', async () => {
    const { cacher } = await started();
    const it = cacher
      .watch('/pods', { recursive: true, predicate: (o) => o.metadata?.labels !== undefined && (o.metadata.labels as Record<string, string>).app === 'web' })
      [Symbol.asyncIterator]();
    await waitFor(() => cacher.watcherCount === 1, 'watcher to attach');
    await cacher.create('/pods/default/q', pod('q', { app: 'db' }));
    await cacher.guaranteedUpdate('/pods/default/q', (o) => ({ ...o, metadata: { ...o.metadata, labels: { app: 'web' } } }));
    await cacher.guaranteedUpdate('/pods/default/q', (o) => ({ ...o, spec: { v: 2 } }));
    const left = await cacher.guaranteedUpdate('/pods/default/q', (o) => ({ ...o, metadata: { ...o.metadata, labels: { app: 'db' } } }));
    await cacher.delete('/pods/default/q');
    await cacher.create('/pods/default/r', pod('r', { app: 'web' }));
    const evs = await take(it, 4);
    assert.deepEqual(evs.map((e) => `${e.type} ${nameOf(e)}`), ['ADDED q', 'MODIFIED q', 'DELETED q', 'ADDED r']);
    const del = evs[2] as WatchEvent;
    assert.equal(del.object.metadata?.resourceVersion, left.metadata?.resourceVersion, 'DELETED carries the leave revision');
    assert.deepEqual(del.object.metadata?.labels, { app: 'web' }, 'DELETED carries the last matching state');
    await it.return?.();
  });

  test('initialEvents: current state as ADDED, then an initial-events-end BOOKMARK, then live', async () => {
    const { cacher } = await started();
    for (const n of ['b', 'a', 'c']) await cacher.create(`/pods/default/${n}`, pod(n));
    await cacher.create('/pods/other/z', pod('z', {}, 'other'));
    const rv = await cacher.currentRevision();
    const it = cacher.watch('/pods/default', { recursive: true, initialEvents: true, revision: rv })[Symbol.asyncIterator]();
    const evs = await take(it, 4);
    assert.deepEqual(evs.map((e) => `${e.type} ${nameOf(e) ?? ''}`), ['ADDED a', 'ADDED b', 'ADDED c', 'BOOKMARK ']);
    const bm = evs[3] as WatchEvent;
    assert.ok(Number(bm.object.metadata?.resourceVersion) >= rv);
    assert.deepEqual(bm.object.metadata?.annotations, { 'k8s.io/initial-events-end': 'true' });
    await cacher.create('/pods/default/d', pod('d'));
    assert.equal(nameOf((await take(it, 1))[0] as WatchEvent), 'd');
    await it.return?.();
  });

  test('NotOlderThan list and get are served from the cache, not the backend', async () => {
    const { cacher, inst } = await started();
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await cacher.create(`/pods/default/n${i}`, pod(`n${i}`, { i: String(i % 2) })));
    const rv = rvOf(created[4] as StoredObject);
    const before = { ...inst.counts };
    const list = await cacher.list('/pods', { match: 'NotOlderThan', revision: rv });
    assert.ok(list.revision >= rv);
    assert.deepEqual(list.items.map((o) => o.metadata?.name), ['n0', 'n1', 'n2', 'n3', 'n4']);
    const odd = await cacher.list('/pods/default', { match: 'NotOlderThan', predicate: (o) => o.metadata?.labels?.['i' as never] === '1' });
    assert.deepEqual(odd.items.map((o) => o.metadata?.name), ['n1', 'n3']);
    const got = await cacher.get('/pods/default/n2', { match: 'NotOlderThan', revision: rv });
    assert.equal(got.metadata?.name, 'n2');
    await assert.rejects(cacher.get('/pods/default/missing', { match: 'NotOlderThan' }), KeyNotFoundError);
    assert.deepEqual(inst.counts, before, 'no backend reads');
    // A consistent (default) list is served from the cache too, once it has caught up
    // (kube's ConsistentListFromCache, below); only a paged one reaches the backend.
    await cacher.list('/pods');
    assert.equal(inst.counts.list, before.list);
    await cacher.list('/pods', { limit: 2 });
    assert.equal(inst.counts.list, before.list + 1);
  });

  test('a consistent unpaged list is answered by the cache once caught up, with the backend\'s items, order and keys', async () => {
    const { backend, inst, cacher } = await started();
    for (const [ns, name, i] of [['b', 'y', '1'], ['a', 'z', '0'], ['a', 'b', '1'], ['ab', 'x', '0']] as const) {
      await cacher.create(`/pods/${ns}/${name}`, pod(name, { i }, ns));
    }
    // Stored under a key its metadata does not spell: the cache holds it where the backend does.
    await cacher.create('/pods/a/odd', pod('elsewhere', { i: '1' }, 'other'));
    const deleted = await cacher.create('/pods/b/gone', pod('gone', {}, 'b'));
    await cacher.delete('/pods/b/gone');
    const updated = await cacher.guaranteedUpdate('/pods/a/z', (cur) => ({ ...cur, spec: { n: 2 } }));
    // A write elsewhere moves the backend's revision past everything the pods cache has seen.
    const other = await backend.create('/configmaps/default/x', { metadata: { name: 'x', namespace: 'default' } });
    const odd = (o: StoredObject) => o.metadata?.labels?.['i' as never] === '1';
    const before = inst.counts.list;
    const cases: [string, ListOptions][] = [['/pods', {}], ['/pods/a', {}], ['/pods/a/', { withKeys: true }], ['/pods', { predicate: odd, withKeys: true }], ['/pods/none', {}]];
    for (const [prefix, opts] of cases) {
      const fromCache = await cacher.list(prefix, opts);
      const fromBackend = await backend.list(prefix, opts);
      assert.deepEqual(fromCache.items, fromBackend.items, `items of ${prefix}`);
      assert.equal(JSON.stringify(fromCache.items), JSON.stringify(fromBackend.items), `the same bytes for ${prefix}`);
      assert.deepEqual(fromCache.keys, fromBackend.keys, `keys of ${prefix}`);
      assert.ok(fromCache.revision >= rvOf(other), 'not older than any write acknowledged before the list');
    }
    assert.equal(inst.counts.list, before, 'the backend was not listed');
    const all = await cacher.list('/pods');
    assert.deepEqual(all.items.map((o) => o.metadata?.name), ['b', 'elsewhere', 'z', 'x', 'y']);
    assert.equal(rvOf(all.items[2] as StoredObject), rvOf(updated), 'read-your-writes');
    assert.ok(!all.items.some((o) => rvOf(o) === rvOf(deleted)));
  });

  test('a backend that does not notify progress (etcd here) keeps answering consistent gets and lists itself', async () => {
    const db = await openSqlite();
    const inst = instrument(db.backend);
    // Without progress notifications a quiet resource's cache could never confirm it is current.
    const silent = new Proxy(inst.backend, { get: (t, p, r) => (p === 'notifiesProgress' ? undefined : Reflect.get(t, p, r)) });
    const cacher = new Cacher({ storage: silent, resourcePrefix: '/pods' });
    closers.push(db.close, () => cacher.stop());
    await cacher.start();
    await cacher.create('/pods/default/a', pod('a'));
    const before = { ...inst.counts };
    assert.deepEqual((await cacher.list('/pods')).items.map((o) => o.metadata?.name), ['a']);
    assert.equal((await cacher.get('/pods/default/a')).metadata?.name, 'a');
    assert.equal(inst.counts.list, before.list + 1);
    assert.equal(inst.counts.get, before.get + 1);
  });

  test('NotOlderThan a revision the cache never reaches: TooLargeResourceVersion', async () => {
    const { cacher } = await started({ freshnessTimeoutMs: 20 });
    const rv = await cacher.currentRevision();
    await assert.rejects(cacher.list('/pods', { match: 'NotOlderThan', revision: rv + 100 }), (e) => isTooLargeResourceVersion(e));
  });

  test('a closed backend watch is reopened from the cache revision: watchers see no gap', async () => {
    const { cacher, inst } = await started();
    const it = cacher.watch('/pods', { recursive: true })[Symbol.asyncIterator]();
    await waitFor(() => cacher.watcherCount === 1, 'watcher to attach');
    await cacher.create('/pods/default/g1', pod('g1'));
    assert.equal(nameOf((await take(it, 1))[0] as WatchEvent), 'g1');
    const watchesBefore = inst.counts.watch;
    inst.breakWatch();
    await cacher.create('/pods/default/g2', pod('g2'));
    await cacher.create('/pods/default/g3', pod('g3'));
    await waitFor(() => inst.counts.watch > watchesBefore, 'the cache to re-watch');
    inst.release();
    assert.deepEqual((await take(it, 2)).map((e) => `${e.type} ${nameOf(e)}`), ['ADDED g2', 'ADDED g3']);
    assert.equal(inst.counts.list, 1, 'no relist was needed');
    await it.return?.();
  });

  test('backend compacted past the cache: watchers get Expired, the cache relists', async () => {
    const { cacher, inst, backend } = await started();
    await cacher.create('/pods/default/x1', pod('x1'));
    await cacher.create('/pods/default/x2', pod('x2'));
    const it = cacher.watch('/pods', { recursive: true })[Symbol.asyncIterator]();
    await waitFor(() => cacher.watcherCount === 1, 'watcher to attach');
    inst.breakWatch();
    await cacher.delete('/pods/default/x1');
    await cacher.create('/pods/default/x3', pod('x3'));
    await backend.compact(await backend.currentRevision());
    inst.release();
    const [err] = await take(it, 2);
    assert.equal(err?.type, 'ERROR');
    assert.ok(isExpired(err?.error));
    await waitFor(() => cacher.ready && inst.counts.list === 2, 'the relist');
    const listed = await cacher.list('/pods', { match: 'NotOlderThan' });
    assert.deepEqual(listed.items.map((o) => o.metadata?.name), ['x2', 'x3']);
    // And it keeps following the backend afterwards.
    await cacher.create('/pods/default/x4', pod('x4'));
    const w = cacher.watch('/pods', { recursive: true, revision: listed.revision })[Symbol.asyncIterator]();
    assert.equal(nameOf((await take(w, 1))[0] as WatchEvent), 'x4');
    await w.return?.();
  });

  test('bookmarks: watchers that asked get the current revision, others do not', async () => {
    const clock = new ManualClock();
    const { cacher } = await started({ clock, bookmarkIntervalMs: 1000 });
    const withBm = cacher.watch('/pods', { recursive: true, bookmarks: true })[Symbol.asyncIterator]();
    const without = cacher.watch('/pods', { recursive: true })[Symbol.asyncIterator]();
    await waitFor(() => cacher.watcherCount === 2, 'watchers to attach');
    const written = await cacher.create('/pods/default/bm', pod('bm'));
    await waitFor(() => cacher.revision >= rvOf(written), 'cache to catch up');
    clock.fire(1000);
    const [added, bm] = await take(withBm, 2);
    assert.equal(added?.type, 'ADDED');
    assert.equal(bm?.type, 'BOOKMARK');
    assert.ok((bm as WatchEvent).revision >= rvOf(written));
    assert.deepEqual(bm?.object, { metadata: { resourceVersion: String((bm as WatchEvent).revision) } });
    await cacher.create('/pods/default/bm2', pod('bm2'));
    assert.deepEqual((await take(without, 2)).map((e) => e.type), ['ADDED', 'ADDED']);
    await withBm.return?.();
    await without.return?.();
  });
});
