/**
 * The storage contract: one test per behaviour, run against every backend
 * (SQLite, etcd) and against the watch cache. etcd's semantics are the
 * reference. Tests never assume revisions start at 1 or are consecutive
 * (etcd shares one revision counter across prefixes), only that they increase.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isConflict,
  isExpired,
  isKeyExists,
  isKeyNotFound,
  isStorageError,
  isTooLargeResourceVersion,
} from '../../src/storage/errors.js';
import type { Storage, StorageBackend, StoredObject, WatchEvent, Watcher } from '../../src/storage/interfaces.js';

export interface StorageFixture {
  /** What is tested: a backend, or a watch cache in front of one. */
  storage: Storage;
  /** The raw backend under it (for compact). */
  backend: StorageBackend;
  close(): Promise<void>;
}

export interface Skip {
  reason: string;
  tests: string[];
}

interface Ctx {
  s: Storage;
  backend: StorageBackend;
  /** Opens a watch that is stopped when the test ends. */
  watch: (...args: Parameters<Storage['watch']>) => EventReader;
}

type Body = (ctx: Ctx) => Promise<void>;

const TEST_TIMEOUT_MS = 120_000;
/** How long a test waits for a watch event before failing (a bound, not a sleep). */
const EVENT_WAIT_MS = 10_000;

export function runStorageConformance(name: string, makeStorage: () => Promise<StorageFixture>, opts: { skip?: Skip[] } = {}): void {
  const skipped = new Map<string, string>();
  for (const s of opts.skip ?? []) for (const t of s.tests) skipped.set(t, s.reason);
  const unknown = [...skipped.keys()].filter((t) => !TESTS.some(([n]) => n === t));
  if (unknown.length > 0) throw new Error(`runStorageConformance: unknown tests in skip: ${unknown.join(', ')}`);

  describe(name, () => {
    for (const [testName, body] of TESTS) {
      const reason = skipped.get(testName);
      it(testName, { skip: reason ?? false, timeout: TEST_TIMEOUT_MS }, async () => {
        const fixture = await makeStorage();
        const readers: EventReader[] = [];
        try {
          await body({
            s: fixture.storage,
            backend: fixture.backend,
            watch: (...args) => {
              const r = new EventReader(fixture.storage.watch(...args));
              readers.push(r);
              return r;
            },
          });
        } finally {
          for (const r of readers) r.stop();
          await fixture.close();
        }
      });
    }
  });
}

// ---------------------------------------------------------------- helpers

function pod(name: string, fields: Record<string, unknown> = {}): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'test' } },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    ...fields,
  };
}

const rv = (obj: StoredObject): number => {
  const v = obj.metadata?.resourceVersion;
  assert.equal(typeof v, 'string', `resourceVersion should be a string, got ${JSON.stringify(v)}`);
  const n = Number(v);
  assert.ok(Number.isInteger(n) && n > 0, `resourceVersion should be a positive integer, got ${v}`);
  return n;
};

/** The object without its resourceVersion, to compare contents. */
const content = (obj: StoredObject): StoredObject => {
  const copy = structuredClone(obj);
  if (copy.metadata) delete copy.metadata.resourceVersion;
  return copy;
};

const nameOf = (obj: StoredObject): string | undefined => obj.metadata?.name;
const specOf = (obj: StoredObject): Record<string, unknown> => (obj.spec ?? {}) as Record<string, unknown>;

const isInvalidObj = (err: unknown): boolean => isStorageError(err) && err.code === 'InvalidObj';

/** Runs fn(i) for i in [0, count) with at most `concurrency` in flight. */
async function inParallel<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

function setSpec(patch: Record<string, unknown>) {
  return (cur: StoredObject): StoredObject => ({ ...cur, spec: { ...specOf(cur), ...patch } });
}

/** Reads a watch with a bounded wait per event. */
class EventReader {
  private readonly it: AsyncIterator<WatchEvent>;
  constructor(readonly watcher: Watcher) {
    this.it = watcher[Symbol.asyncIterator]();
  }

  stop(): void {
    this.watcher.stop();
  }

  private async step(what: string): Promise<IteratorResult<WatchEvent>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${EVENT_WAIT_MS} ms waiting for ${what}`)), EVENT_WAIT_MS);
    });
    try {
      return await Promise.race([this.it.next(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async next(): Promise<WatchEvent> {
    const r = await this.step('a watch event');
    assert.ok(!r.done, 'the watch ended early');
    return r.value;
  }

  async take(n: number): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    while (out.length < n) {
      const r = await this.step(`watch event ${out.length + 1} of ${n}`);
      assert.ok(!r.done, `the watch ended after ${out.length} of ${n} events`);
      out.push(r.value);
    }
    return out;
  }

  async expectEnd(): Promise<void> {
    const r = await this.step('the end of the watch');
    assert.ok(r.done, `expected the watch to end, got ${r.value?.type} event`);
  }
}

const summary = (e: WatchEvent): string => `${e.type} ${nameOf(e.object)}`;

function assertIncreasing(events: WatchEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i]!.revision > events[i - 1]!.revision, `revisions not increasing at event ${i}: ${events.map((e) => e.revision).join(',')}`);
  }
  for (const e of events) {
    if (e.type !== 'ERROR' && e.type !== 'BOOKMARK') assert.equal(rv(e.object), e.revision, `${summary(e)}: object resourceVersion is the event revision`);
  }
}

// ---------------------------------------------------------------- the tests

const TESTS: [string, Body][] = [
  ['create, get, update and delete round trip with resourceVersion = revision', async ({ s }) => {
    const input = pod('a');
    const created = await s.create('/pods/default/a', input);
    const r1 = rv(created);
    assert.deepEqual(content(created), content(input));
    assert.ok((await s.currentRevision()) >= r1);
    assert.deepEqual(await s.get('/pods/default/a'), created);

    // A resourceVersion set by tryUpdate is not stored: the result carries the new revision.
    const updated = await s.guaranteedUpdate('/pods/default/a', (cur, meta) => {
      assert.equal(meta.revision, r1);
      assert.equal(cur.metadata?.resourceVersion, String(r1));
      return { ...setSpec({ nodeName: 'n1' })(cur), metadata: { ...cur.metadata, resourceVersion: '12345' } };
    });
    const r2 = rv(updated);
    assert.ok(r2 > r1);
    assert.equal(specOf(updated).nodeName, 'n1');
    assert.deepEqual(await s.get('/pods/default/a'), updated);

    const deleted = await s.delete('/pods/default/a');
    assert.deepEqual(content(deleted), content(updated));
    await assert.rejects(s.get('/pods/default/a'), isKeyNotFound);
    assert.ok((await s.currentRevision()) > r2);
  }],

  ['create of an existing key fails with KeyExistsError', async ({ s }) => {
    await s.create('/pods/default/a', pod('a'));
    await assert.rejects(s.create('/pods/default/a', pod('a', { spec: { other: true } })), isKeyExists);
    assert.equal('other' in specOf(await s.get('/pods/default/a')), false);
  }],

  ['create of an object with resourceVersion set fails with InvalidObjError', async ({ s }) => {
    const obj = pod('a');
    obj.metadata!.resourceVersion = '5';
    await assert.rejects(s.create('/pods/default/a', obj), (err: unknown) => {
      assert.ok(isInvalidObj(err), `expected InvalidObjError, got ${String(err)}`);
      assert.match((err as Error).message, /resourceVersion should not be set on objects to be created/);
      return true;
    });
    await assert.rejects(s.get('/pods/default/a'), isKeyNotFound);
  }],

  ['create after delete makes the key again', async ({ s }) => {
    const first = await s.create('/pods/default/a', pod('a'));
    await s.delete('/pods/default/a');
    const again = await s.create('/pods/default/a', pod('a', { spec: { again: true } }));
    assert.ok(rv(again) > rv(first));
    assert.equal(specOf(await s.get('/pods/default/a')).again, true);
  }],

  ['get, guaranteedUpdate and delete of a missing key fail with KeyNotFoundError', async ({ s }) => {
    await assert.rejects(s.get('/pods/default/missing'), isKeyNotFound);
    await assert.rejects(s.guaranteedUpdate('/pods/default/missing', (cur) => cur), isKeyNotFound);
    await assert.rejects(s.delete('/pods/default/missing'), isKeyNotFound);
  }],

  ['guaranteedUpdate checks the uid and resourceVersion preconditions', async ({ s }) => {
    const created = await s.create('/pods/default/a', pod('a'));
    let calls = 0;
    const tryUpdate = (cur: StoredObject): StoredObject => {
      calls++;
      return setSpec({ n: calls })(cur);
    };
    await assert.rejects(s.guaranteedUpdate('/pods/default/a', tryUpdate, { preconditions: { uid: 'other-uid' } }), (err: unknown) => {
      assert.ok(isConflict(err), `expected ConflictError, got ${String(err)}`);
      assert.match((err as Error).message, /other-uid/);
      assert.match((err as Error).message, /uid-a/);
      return true;
    });
    await assert.rejects(s.guaranteedUpdate('/pods/default/a', tryUpdate, { preconditions: { resourceVersion: String(rv(created) + 1000) } }), (err: unknown) => {
      assert.ok(isConflict(err), `expected ConflictError, got ${String(err)}`);
      assert.match((err as Error).message, new RegExp(String(rv(created) + 1000)));
      assert.match((err as Error).message, new RegExp(String(rv(created))));
      return true;
    });
    assert.equal(calls, 0, 'tryUpdate does not run when a precondition fails');
    assert.deepEqual(await s.get('/pods/default/a'), created);

    const ok = await s.guaranteedUpdate('/pods/default/a', tryUpdate, { preconditions: { uid: 'uid-a', resourceVersion: String(rv(created)) } });
    assert.equal(specOf(ok).n, 1);
  }],

  ['delete checks preconditions and validateDeletion', async ({ s }) => {
    const created = await s.create('/pods/default/a', pod('a'));
    await assert.rejects(s.delete('/pods/default/a', { preconditions: { uid: 'other-uid' } }), isConflict);
    await assert.rejects(s.delete('/pods/default/a', { preconditions: { resourceVersion: String(rv(created) + 1000) } }), isConflict);
    const refusal = new Error('not allowed');
    let seen: StoredObject | undefined;
    await assert.rejects(
      s.delete('/pods/default/a', {
        validateDeletion: (cur) => {
          seen = cur;
          throw refusal;
        },
      }),
      (err: unknown) => err === refusal,
    );
    assert.deepEqual(seen, created);
    assert.deepEqual(await s.get('/pods/default/a'), created);

    const deleted = await s.delete('/pods/default/a', {
      preconditions: { uid: 'uid-a', resourceVersion: String(rv(created)) },
      validateDeletion: () => undefined,
    });
    assert.deepEqual(content(deleted), content(created));
    await assert.rejects(s.get('/pods/default/a'), isKeyNotFound);
  }],

  ['guaranteedUpdate that changes nothing writes nothing', async ({ s, watch }) => {
    const created = await s.create('/pods/default/a', pod('a'));
    const w = watch('/pods/default/a', { revision: rv(created) });
    const same = await s.guaranteedUpdate('/pods/default/a', (cur) => structuredClone(cur));
    assert.deepEqual(same, created);
    assert.deepEqual(await s.get('/pods/default/a'), created);
    const changed = await s.guaranteedUpdate('/pods/default/a', setSpec({ x: 1 }));
    // The first event after the no-op is the real change: the no-op made none.
    const e = await w.next();
    assert.equal(e.type, 'MODIFIED');
    assert.equal(e.revision, rv(changed));
  }],

  ['guaranteedUpdate aborts when tryUpdate throws', async ({ s }) => {
    const created = await s.create('/pods/default/a', pod('a'));
    const boom = new Error('boom');
    await assert.rejects(s.guaranteedUpdate('/pods/default/a', () => { throw boom; }), (err: unknown) => err === boom);
    await assert.rejects(s.guaranteedUpdate('/pods/default/a', async () => { throw boom; }), (err: unknown) => err === boom);
    assert.deepEqual(await s.get('/pods/default/a'), created);
  }],

  ['guaranteedUpdate re-runs tryUpdate when the object changed underneath', async ({ s }) => {
    await s.create('/pods/default/a', pod('a', { spec: { a: 0, b: 0 } }));
    let calls = 0;
    const result = await s.guaranteedUpdate('/pods/default/a', async (cur) => {
      calls++;
      if (calls === 1) await s.guaranteedUpdate('/pods/default/a', setSpec({ b: 1 }));
      return setSpec({ a: 1 })(cur);
    });
    assert.equal(calls, 2);
    assert.deepEqual(specOf(result), { a: 1, b: 1 });
    assert.deepEqual(await s.get('/pods/default/a'), result);
  }],

  ['guaranteedUpdate given a stale cachedExisting still applies to the current object', async ({ s }) => {
    const stale = await s.create('/pods/default/a', pod('a', { spec: { a: 0, b: 0 } }));
    await s.guaranteedUpdate('/pods/default/a', setSpec({ b: 1 }));
    const result = await s.guaranteedUpdate('/pods/default/a', setSpec({ a: 1 }), { cachedExisting: stale });
    assert.deepEqual(specOf(result), { a: 1, b: 1 });
    assert.deepEqual(await s.get('/pods/default/a'), result);
    // a no-op against the stale copy is not a no-op against the real object
    const back = await s.guaranteedUpdate('/pods/default/a', setSpec({ b: 0 }), { cachedExisting: stale });
    assert.deepEqual(specOf(back), { a: 1, b: 0 });
    assert.ok(rv(back) > rv(result), 'the change was written');
    // preconditions are judged against the real object, not the cached one
    await assert.rejects(
      s.guaranteedUpdate('/pods/default/a', setSpec({ c: 1 }), { cachedExisting: stale, preconditions: { resourceVersion: String(rv(stale)) } }),
      isConflict,
    );
    const ok = await s.guaranteedUpdate('/pods/default/a', setSpec({ c: 1 }), { cachedExisting: stale, preconditions: { resourceVersion: String(rv(back)) } });
    assert.equal(specOf(ok).c, 1);
  }],

  ['50 concurrent guaranteedUpdates of one key all land', async ({ s }) => {
    await s.create('/counters/default/c', pod('c', { spec: { count: 0 } }));
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        s.guaranteedUpdate('/counters/default/c', (cur) => setSpec({ count: (specOf(cur).count as number) + 1 })(cur)),
      ),
    );
    assert.equal(specOf(await s.get('/counters/default/c')).count, 50);
    assert.equal(new Set(results.map(rv)).size, 50, 'each update has its own revision');
    assert.deepEqual(results.map((r) => specOf(r).count).sort((a, b) => (a as number) - (b as number)), Array.from({ length: 50 }, (_, i) => i + 1));
  }],

  ['list returns the keys under a prefix, as a directory, in key order', async ({ s }) => {
    const keys = ['/pods/a/z', '/pods/ab/x', '/pods/a/b', '/pods/b/a', '/pods/a/m', '/pods/a', '/podsx/a/q'];
    for (const k of keys) await s.create(k, pod(k.slice(1).replaceAll('/', '-')));
    const names = async (prefix: string): Promise<(string | undefined)[]> => (await s.list(prefix)).items.map(nameOf);
    assert.deepEqual(await names('/pods/a'), ['pods-a-b', 'pods-a-m', 'pods-a-z']);
    assert.deepEqual(await names('/pods/a/'), ['pods-a-b', 'pods-a-m', 'pods-a-z']);
    assert.deepEqual(await names('/pods'), ['pods-a', 'pods-a-b', 'pods-a-m', 'pods-a-z', 'pods-ab-x', 'pods-b-a']);
    assert.deepEqual(await names('/nothing'), []);
    assert.equal(await s.count('/pods/a'), 3);
    assert.equal(await s.count('/pods'), 6);
    assert.equal(await s.count('/nothing'), 0);
    const all = await s.list('/pods');
    assert.ok(all.revision >= Math.max(...all.items.map(rv)));
    assert.equal(all.continue, undefined);
  }],

  ['list with limit and continue reads every page at the first page revision', async ({ s }) => {
    for (const n of ['c1', 'c2', 'c3', 'c4', 'c5']) await s.create(`/cm/default/${n}`, pod(n));
    const page1 = await s.list('/cm/default', { limit: 2 });
    assert.deepEqual(page1.items.map(nameOf), ['c1', 'c2']);
    assert.ok(page1.continue);
    assert.equal(page1.remainingItemCount, 3);

    // Writes after page 1: none of them may show in later pages.
    await s.create('/cm/default/c2a', pod('c2a'));
    const old3 = await s.get('/cm/default/c3');
    await s.guaranteedUpdate('/cm/default/c3', setSpec({ changed: true }));
    await s.delete('/cm/default/c4');

    const page2 = await s.list('/cm/default', { limit: 2, continue: page1.continue });
    assert.equal(page2.revision, page1.revision);
    assert.deepEqual(page2.items.map(nameOf), ['c3', 'c4']);
    assert.deepEqual(page2.items[0], old3);
    assert.ok(page2.continue);
    assert.equal(page2.remainingItemCount, 1);

    const page3 = await s.list('/cm/default', { limit: 2, continue: page2.continue });
    assert.equal(page3.revision, page1.revision);
    assert.deepEqual(page3.items.map(nameOf), ['c5']);
    assert.equal(page3.continue, undefined);

    const now = await s.list('/cm/default', { limit: 10 });
    assert.deepEqual(now.items.map(nameOf), ['c1', 'c2', 'c2a', 'c3', 'c5']);
    assert.equal(now.continue, undefined);
  }],

  ['list with a predicate counts only matching items toward the limit', async ({ s }) => {
    for (let i = 0; i < 10; i++) await s.create(`/pods/default/p${i}`, pod(`p${i}`, { spec: { even: i % 2 === 0 } }));
    const predicate = (o: StoredObject): boolean => specOf(o).even === true;
    const seen: (string | undefined)[] = [];
    let page = await s.list('/pods/default', { limit: 2, predicate });
    assert.deepEqual(page.items.map(nameOf), ['p0', 'p2']);
    const revision = page.revision;
    seen.push(...page.items.map(nameOf));
    for (let guard = 0; page.continue && guard < 20; guard++) {
      page = await s.list('/pods/default', { limit: 2, predicate, continue: page.continue });
      assert.ok(page.items.length <= 2);
      assert.equal(page.revision, revision);
      seen.push(...page.items.map(nameOf));
    }
    assert.equal(page.continue, undefined);
    assert.deepEqual(seen, ['p0', 'p2', 'p4', 'p6', 'p8']);
    const all = await s.list('/pods/default', { predicate });
    assert.deepEqual(all.items.map(nameOf), ['p0', 'p2', 'p4', 'p6', 'p8']);
  }],

  ['list at an old revision returns the state at that revision', async ({ s }) => {
    await s.create('/pods/default/a', pod('a', { spec: { v: 1 } }));
    const b = await s.create('/pods/default/b', pod('b'));
    const r1 = rv(b);
    await s.guaranteedUpdate('/pods/default/a', setSpec({ v: 2 }));
    await s.delete('/pods/default/b');
    await s.create('/pods/default/c', pod('c'));

    const then = await s.list('/pods/default', { revision: r1 });
    assert.equal(then.revision, r1);
    assert.deepEqual(then.items.map(nameOf), ['a', 'b']);
    assert.equal(specOf(then.items[0]!).v, 1);
    const paged = await s.list('/pods/default', { revision: r1, limit: 1 });
    assert.deepEqual(paged.items.map(nameOf), ['a']);
    const rest = await s.list('/pods/default', { limit: 1, continue: paged.continue });
    assert.deepEqual(rest.items.map(nameOf), ['b']);

    const now = await s.list('/pods/default');
    assert.deepEqual(now.items.map(nameOf), ['a', 'c']);
    assert.equal(specOf(now.items[0]!).v, 2);
  }],

  ['get at a revision returns the state at that revision', async ({ s }) => {
    const before = await s.create('/pods/default/other', pod('other'));
    const v1 = await s.create('/pods/default/a', pod('a', { spec: { v: 1 } }));
    const v2 = await s.guaranteedUpdate('/pods/default/a', setSpec({ v: 2 }));
    await s.delete('/pods/default/a');
    const after = await s.currentRevision();
    assert.deepEqual(await s.get('/pods/default/a', { revision: rv(v1) }), v1);
    assert.deepEqual(await s.get('/pods/default/a', { revision: rv(v2) }), v2);
    await assert.rejects(s.get('/pods/default/a', { revision: rv(before) }), isKeyNotFound);
    await assert.rejects(s.get('/pods/default/a', { revision: after }), isKeyNotFound);
  }],

  ['reads at a future revision fail with TooLargeResourceVersionError', async ({ s }) => {
    await s.create('/pods/default/a', pod('a'));
    const future = (await s.currentRevision()) + 1_000_000;
    await assert.rejects(s.get('/pods/default/a', { revision: future }), isTooLargeResourceVersion);
    await assert.rejects(s.list('/pods/default', { revision: future }), isTooLargeResourceVersion);
  }],

  ['reads at a compacted revision fail with ExpiredError', async ({ s, backend }) => {
    const v1 = await s.create('/pods/default/a', pod('a', { spec: { v: 1 } }));
    await s.guaranteedUpdate('/pods/default/a', setSpec({ v: 2 }));
    const v3 = await s.guaranteedUpdate('/pods/default/a', setSpec({ v: 3 }));
    const b = await s.create('/pods/default/b', pod('b'));
    await backend.compact(rv(v3));
    assert.equal(await backend.compactedRevision(), rv(v3));

    await assert.rejects(s.get('/pods/default/a', { revision: rv(v1) }), isExpired);
    await assert.rejects(s.list('/pods/default', { revision: rv(v1) }), isExpired);
    // The compacted revision itself and everything after it stay readable.
    assert.deepEqual(await s.get('/pods/default/a', { revision: rv(v3) }), v3);
    assert.deepEqual((await s.list('/pods/default', { revision: rv(v3) })).items, [v3]);
    assert.deepEqual((await s.list('/pods/default', { revision: rv(b) })).items, [v3, b]);
    assert.deepEqual((await s.list('/pods/default')).items, [v3, b]);
  }],

  ['watch from a compacted revision ends with an Expired ERROR event', async ({ s, backend, watch }) => {
    const v1 = await s.create('/pods/default/a', pod('a'));
    await s.guaranteedUpdate('/pods/default/a', setSpec({ v: 2 }));
    const v3 = await s.guaranteedUpdate('/pods/default/a', setSpec({ v: 3 }));
    await backend.compact(rv(v3));
    const w = watch('/pods/default', { recursive: true, revision: rv(v1) });
    const e = await w.next();
    assert.equal(e.type, 'ERROR');
    assert.ok(isExpired(e.error), `expected an ExpiredError, got ${String(e.error)}`);
    await w.expectEnd();
  }],

  ['watch from a past revision replays history, then continues live with no gap', async ({ s, watch }) => {
    const a = await s.create('/w/default/a', pod('a'));
    await s.guaranteedUpdate('/w/default/a', setSpec({ v: 2 }));
    await s.create('/w/default/b', pod('b'));
    await s.delete('/w/default/a');

    // Writes keep landing while the watch starts: none may be lost or repeated.
    let acked = 0;
    const writer = inParallel(30, 1, async (i) => {
      const out = await s.create(`/w/default/x${String(i).padStart(2, '0')}`, pod(`x${String(i).padStart(2, '0')}`));
      acked++;
      return out;
    });
    for (let guard = 0; acked < 10 && guard < 10_000; guard++) await new Promise((r) => setImmediate(r));
    const w = watch('/w/default', { recursive: true, revision: rv(a) });
    const written = await writer;
    const events = await w.take(3 + 30);
    assert.deepEqual(events.slice(0, 3).map(summary), ['MODIFIED a', 'ADDED b', 'DELETED a']);
    assert.deepEqual(events.slice(3).map((e) => e.revision), written.map(rv));
    assert.ok(events.slice(3).every((e) => e.type === 'ADDED'));
    assertIncreasing(events);

    const live = await s.create('/w/default/z', pod('z'));
    const e = await w.next();
    assert.equal(summary(e), 'ADDED z');
    assert.equal(e.revision, rv(live));
  }],

  ['watch delivers interleaved writes to several keys in revision order, each once', async ({ s, watch }) => {
    const start = await s.currentRevision();
    const w = watch('/multi', { recursive: true, revision: start });
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
    const creates = await Promise.all(keys.map((k) => s.create(`/multi/default/${k}`, pod(k, { spec: { n: 0 } }))));
    const updates = await inParallel(40, 8, (i) => s.guaranteedUpdate(`/multi/default/${keys[i % keys.length]}`, setSpec({ n: i + 1 })));
    const expected = [...creates, ...updates].map(rv).sort((x, y) => x - y);
    const events = await w.take(expected.length);
    assertIncreasing(events);
    assert.deepEqual(events.map((e) => e.revision), expected);
    assert.equal(events.filter((e) => e.type === 'ADDED').length, keys.length);
    assert.equal(events.filter((e) => e.type === 'MODIFIED').length, 40);
  }],

  ['watch from revision 0 starts now', async ({ s, watch }) => {
    await s.create('/pods/default/old', pod('old'));
    const w = watch('/pods/default', { recursive: true });
    const b = await s.create('/pods/default/new', pod('new'));
    const e = await w.next();
    assert.equal(summary(e), 'ADDED new');
    assert.equal(e.revision, rv(b));
  }],

  ['watch MODIFIED and DELETED events carry prevObject; DELETED carries the last state', async ({ s, watch }) => {
    const created = await s.create('/pods/default/a', pod('a', { spec: { v: 1 } }));
    const w = watch('/pods/default/a', { revision: rv(created) });
    const updated = await s.guaranteedUpdate('/pods/default/a', setSpec({ v: 2 }));
    const deleted = await s.delete('/pods/default/a');
    const [mod, del] = await w.take(2);
    assert.equal(mod!.type, 'MODIFIED');
    assert.deepEqual(mod!.object, updated);
    assert.deepEqual(mod!.prevObject, created);
    assert.equal(del!.type, 'DELETED');
    assert.ok(del!.revision > rv(updated));
    assert.deepEqual(content(del!.object), content(updated));
    assert.equal(rv(del!.object), del!.revision, 'a DELETED object carries the revision of the delete');
    assert.deepEqual(del!.prevObject, updated);
    assert.deepEqual(content(deleted), content(updated));
  }],

  ['a single-key watch sees only its key; a recursive watch sees every key under the prefix', async ({ s, watch }) => {
    // Keys in kube's layout (<resource>/<namespace>/<name>), so a watch cache keyed by object agrees.
    const at = (ns: string, name: string): [string, StoredObject] => [`/pods/${ns}/${name}`, { ...pod(name), metadata: { name, namespace: ns, uid: `uid-${ns}-${name}` } }];
    const nsName = (e: WatchEvent): string => `${e.type} ${e.object.metadata?.namespace}/${nameOf(e.object)}`;
    const single = watch('/pods/a/p');
    const recursive = watch('/pods', { recursive: true });
    const recursiveA = watch('/pods/a', { recursive: true });
    for (const [ns, name] of [['ab', 'p'], ['a', 'pq'], ['b', 'p'], ['a', 'p']] as const) await s.create(...at(ns, name));
    await s.guaranteedUpdate('/pods/a/p', setSpec({ v: 2 }));
    await s.create('/podsx/a/p', at('a', 'p')[1]);
    await s.create(...at('a', 'z'));
    assert.deepEqual((await single.take(2)).map(nsName), ['ADDED a/p', 'MODIFIED a/p']);
    assert.deepEqual((await recursive.take(6)).map(nsName), ['ADDED ab/p', 'ADDED a/pq', 'ADDED b/p', 'ADDED a/p', 'MODIFIED a/p', 'ADDED a/z']);
    // As a directory: /pods/a covers /pods/a/..., never /pods/ab/...
    assert.deepEqual((await recursiveA.take(4)).map(nsName), ['ADDED a/pq', 'ADDED a/p', 'MODIFIED a/p', 'ADDED a/z']);
    // The single-key watch saw nothing of a/pq or a/z: its next event is the next write to a/p.
    await s.delete('/pods/a/p');
    assert.equal(nsName(await single.next()), 'DELETED a/p');
  }],

  ['watch with a predicate: entering is ADDED, leaving is DELETED', async ({ s, watch }) => {
    const running = (o: StoredObject): boolean => specOf(o).phase === 'Running';
    const w = watch('/pods/default', { recursive: true, predicate: running });
    await s.create('/pods/default/p', pod('p', { spec: { phase: 'Pending' } }));
    const entered = await s.guaranteedUpdate('/pods/default/p', setSpec({ phase: 'Running' }));
    const changed = await s.guaranteedUpdate('/pods/default/p', setSpec({ node: 'n1' }));
    const left = await s.guaranteedUpdate('/pods/default/p', setSpec({ phase: 'Failed' }));
    await s.guaranteedUpdate('/pods/default/p', setSpec({ node: 'n2' }));
    await s.delete('/pods/default/p');
    const q = await s.create('/pods/default/q', pod('q', { spec: { phase: 'Running' } }));
    await s.delete('/pods/default/q');

    const events = await w.take(5);
    assert.deepEqual(events.map(summary), ['ADDED p', 'MODIFIED p', 'DELETED p', 'ADDED q', 'DELETED q']);
    assert.deepEqual(events[0]!.object, entered);
    assert.deepEqual(events[1]!.object, changed);
    assert.deepEqual(events[1]!.prevObject, entered);
    // Leaving: the last state that matched, at the revision where it stopped matching.
    assert.equal(events[2]!.revision, rv(left));
    assert.equal(specOf(events[2]!.object).phase, 'Running');
    assert.equal(rv(events[2]!.object), rv(left));
    assert.deepEqual(events[3]!.object, q);
    assertIncreasing(events);
  }],

  ['stop ends a watch', async ({ s, watch }) => {
    const w = watch('/pods/default', { recursive: true });
    await s.create('/pods/default/a', pod('a'));
    assert.equal(summary(await w.next()), 'ADDED a');
    w.stop();
    await w.expectEnd();
  }],

  ['a 1.5 MiB value round trips', async ({ s }) => {
    const big = 'x'.repeat(1.5 * 1024 * 1024);
    const created = await s.create('/configmaps/default/big', pod('big', { data: { big } }));
    const got = await s.get('/configmaps/default/big');
    assert.equal((got.data as { big: string }).big.length, big.length);
    assert.deepEqual(got, created);
    const updated = await s.guaranteedUpdate('/configmaps/default/big', (cur) => ({ ...cur, data: { big: big + 'y' } }));
    assert.equal((updated.data as { big: string }).big, big + 'y');
    assert.deepEqual((await s.list('/configmaps/default')).items, [updated]);
  }],

  ['10,000 keys: count and a paged list of them all', async ({ s }) => {
    const n = 10_000;
    const name = (i: number): string => `item-${String(i).padStart(5, '0')}`;
    await inParallel(n, 64, (i) => s.create(`/many/default/${name(i)}`, { metadata: { name: name(i), namespace: 'default' }, data: { i } }));
    assert.equal(await s.count('/many'), n);
    const seen: string[] = [];
    let page = await s.list('/many/default', { limit: 500 });
    assert.equal(page.remainingItemCount, n - 500);
    const revision = page.revision;
    for (;;) {
      assert.ok(page.items.length <= 500);
      assert.equal(page.revision, revision);
      seen.push(...page.items.map((o) => nameOf(o) ?? ''));
      if (!page.continue) break;
      page = await s.list('/many/default', { limit: 500, continue: page.continue });
    }
    assert.equal(seen.length, n);
    assert.deepEqual(seen, Array.from({ length: n }, (_, i) => name(i)));
  }],
];

/** The names of every test, for skip lists. */
export const conformanceTestNames: readonly string[] = TESTS.map(([n]) => n);
