import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cacher, type CacherClock, type CacherOptions, encodeOnce } from '../../src/storage/cacher/index.js';
import type {
  ListOptions,
  ListResult,
  StorageBackend,
  StoredObject,
  WatchEvent,
  WatchOptions,
  Watcher,
} from '../../src/storage/interfaces.js';
import { ExpiredError, KeyExistsError, KeyNotFoundError, isExpired, isTooLargeResourceVersion } from '../../src/storage/errors.js';
import { WatchChannel } from '../../src/storage/watch-channel.js';

// ---------------------------------------------------------------------------
// A test-only in-memory backend: latest state, full event history, compaction.
// ---------------------------------------------------------------------------

interface MemWatch {
  key: string;
  recursive: boolean;
  ch: WatchChannel;
}

class MemoryBackend implements StorageBackend {
  private rev = 0;
  private compacted = 0;
  private readonly data = new Map<string, StoredObject>();
  private readonly history: { key: string; event: WatchEvent }[] = [];
  private readonly watches = new Set<MemWatch>();

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    if (this.data.has(key)) throw new KeyExistsError(key, this.rev);
    return this.write(key, 'ADDED', obj);
  }
  async get(key: string): Promise<StoredObject> {
    const obj = this.data.get(key);
    if (!obj) throw new KeyNotFoundError(key, this.rev);
    return structuredClone(obj);
  }
  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const items = [...this.data.entries()]
      .filter(([k, o]) => k.startsWith(dir) && (!opts.predicate || opts.predicate(o)))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, o]) => structuredClone(o));
    return { items, revision: this.rev };
  }
  async guaranteedUpdate(key: string, tryUpdate: (cur: StoredObject, m: { revision: number }) => StoredObject | Promise<StoredObject>) {
    const cur = await this.get(key);
    const next = await tryUpdate(cur, { revision: Number(cur.metadata?.resourceVersion) });
    return this.write(key, 'MODIFIED', next);
  }
  async delete(key: string): Promise<StoredObject> {
    const cur = await this.get(key);
    return this.write(key, 'DELETED', cur);
  }
  watch(key: string, opts: WatchOptions = {}): Watcher {
    const w: MemWatch = { key: opts.recursive && !key.endsWith('/') ? `${key}/` : key, recursive: !!opts.recursive, ch: new WatchChannel({ onStop: () => this.watches.delete(w) }) };
    const from = opts.revision ?? 0;
    if (from > 0 && from < this.compacted) {
      w.ch.push({ type: 'ERROR', object: {}, revision: from, error: new ExpiredError(key, from, this.compacted) });
      w.ch.close();
      return w.ch;
    }
    if (from > 0) for (const h of this.history) if (h.event.revision > from && matches(w, h.key)) w.ch.push(h.event);
    this.watches.add(w);
    return w.ch;
  }
  async count(prefix: string): Promise<number> {
    return (await this.list(prefix)).items.length;
  }
  async currentRevision(): Promise<number> {
    return this.rev;
  }
  async compact(revision: number): Promise<void> {
    this.compacted = revision;
    while (this.history.length && (this.history[0] as { event: WatchEvent }).event.revision <= revision) this.history.shift();
  }
  async compactedRevision(): Promise<number> {
    return this.compacted;
  }
  async check(): Promise<void> {}
  async close(): Promise<void> {
    for (const w of this.watches) w.ch.close();
  }

  private write(key: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: StoredObject): StoredObject {
    const revision = ++this.rev;
    const prev = this.data.get(key);
    const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(revision) } };
    if (type === 'DELETED') this.data.delete(key);
    else this.data.set(key, stored);
    const event: WatchEvent = prev ? { type, object: stored, prevObject: prev, revision } : { type, object: stored, revision };
    this.history.push({ key, event });
    for (const w of this.watches) if (matches(w, key)) w.ch.push(event);
    return structuredClone(stored);
  }
}

function matches(w: { key: string; recursive: boolean }, key: string): boolean {
  return w.recursive ? key.startsWith(w.key) : key === w.key;
}

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

async function setup(opts: Partial<CacherOptions> = {}) {
  const mem = new MemoryBackend();
  const inst = instrument(mem);
  const cacher = new Cacher({ storage: inst.backend, resourcePrefix: '/pods', ...opts });
  await cacher.start();
  return { mem, inst, cacher };
}

// ---------------------------------------------------------------------------

describe('cacher over an in-memory backend', () => {
  const cachers: Cacher[] = [];
  const started = async (opts: Partial<CacherOptions> = {}) => {
    const s = await setup(opts);
    cachers.push(s.cacher);
    return s;
  };
  after(async () => {
    for (const c of cachers) await c.stop();
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
    // A default (consistent) list does reach the backend.
    await cacher.list('/pods');
    assert.equal(inst.counts.list, before.list + 1);
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
    const { cacher, inst, mem } = await started();
    await cacher.create('/pods/default/x1', pod('x1'));
    await cacher.create('/pods/default/x2', pod('x2'));
    const it = cacher.watch('/pods', { recursive: true })[Symbol.asyncIterator]();
    await waitFor(() => cacher.watcherCount === 1, 'watcher to attach');
    inst.breakWatch();
    await cacher.delete('/pods/default/x1');
    await cacher.create('/pods/default/x3', pod('x3'));
    await mem.compact(await mem.currentRevision());
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
