import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { isConflict, isExpired, isKeyExists, isKeyNotFound, isUnavailable } from '../../src/storage/errors.js';
import type { StoredObject } from '../../src/storage/interfaces.js';
import { SqliteStorage, type SqliteStorageOptions } from '../../src/storage/sqlite/sqlite-storage.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runStorageConformance, type StorageFixture } from './conformance.js';

async function sqliteFixture(): Promise<StorageFixture> {
  const dir = await makeTempDir('frontdoor-sqlite-');
  const storage = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
  return {
    storage,
    backend: storage,
    close: async () => {
      await storage.close();
      await dir.remove();
    },
  };
}

runStorageConformance('sqlite', sqliteFixture);

/** Opens a storage in a fresh temp dir; both are closed/removed when the test ends. */
async function openTemp(t: TestContext, opts: Omit<SqliteStorageOptions, 'path'> = {}): Promise<{ storage: SqliteStorage; path: string }> {
  const dir = await makeTempDir('frontdoor-sqlite-');
  const path = join(dir.path, 'state.db');
  const storage = SqliteStorage.open({ compactionIntervalMs: 0, ...opts, path });
  t.after(async () => {
    await storage.close();
    await dir.remove();
  });
  return { storage, path };
}

const cm = (name: string, data: Record<string, unknown> = {}): StoredObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
const rvOf = (o: StoredObject): number => Number(o.metadata?.resourceVersion);

/** Rows in the log, read through a second connection. */
function logRows(path: string): { revision: number; name: string; deleted: number; value: string | null }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT revision, name, deleted, value FROM log ORDER BY revision').all() as { revision: number; name: string; deleted: number; value: string | null }[];
  } finally {
    db.close();
  }
}

test('reopening keeps the data, the revision and the compacted revision', async (t) => {
  const { storage, path } = await openTemp(t);
  const a = await storage.create('/configmaps/default/a', cm('a', { v: '1' }));
  const a2 = await storage.guaranteedUpdate('/configmaps/default/a', (cur) => ({ ...cur, data: { v: '2' } }));
  await storage.create('/configmaps/default/gone', cm('gone'));
  await storage.delete('/configmaps/default/gone');
  // The newest row is a tombstone that compaction removes: its revision must still never be reused.
  const last = await storage.currentRevision();
  await storage.compact(last);
  await storage.close();

  const again = SqliteStorage.open({ path, compactionIntervalMs: 0 });
  t.after(() => again.close());
  assert.equal(await again.currentRevision(), last);
  assert.equal(await again.compactedRevision(), last);
  assert.deepEqual(await again.get('/configmaps/default/a'), a2);
  await assert.rejects(again.get('/configmaps/default/a', { revision: rvOf(a) }), isExpired);
  await assert.rejects(again.get('/configmaps/default/gone'), isKeyNotFound);
  const b = await again.create('/configmaps/default/b', cm('b'));
  assert.equal(rvOf(b), last + 1);
});

test('keys are stored under the prefix, values without resourceVersion', async (t) => {
  const { storage, path } = await openTemp(t, { prefix: '/registry' });
  const obj = cm('a');
  await storage.create('/configmaps/default/a', obj);
  assert.equal(obj.metadata?.resourceVersion, undefined, 'the caller object is not modified');
  await storage.guaranteedUpdate('/configmaps/default/a', (cur) => ({ ...cur, data: { x: 'y' } }));
  const rows = logRows(path);
  assert.deepEqual(rows.map((r) => r.name), ['/registry/configmaps/default/a', '/registry/configmaps/default/a']);
  for (const r of rows) assert.equal((JSON.parse(r.value!) as StoredObject).metadata?.resourceVersion, undefined);
});

test('writes in one group commit succeed or fail on their own', async (t) => {
  const { storage } = await openTemp(t);
  const base = await storage.create('/configmaps/default/u', cm('u'));
  // Issued in the same tick, so they share one transaction.
  const results = await Promise.allSettled([
    storage.create('/configmaps/default/x', cm('x')),
    storage.create('/configmaps/default/x', cm('x', { dup: true })),
    storage.create('/configmaps/default/y', cm('y')),
    storage.guaranteedUpdate('/configmaps/default/u', (cur) => ({ ...cur, data: { n: 1 } }), { preconditions: { resourceVersion: '1' + base.metadata?.resourceVersion } }),
    storage.guaranteedUpdate('/configmaps/default/u', (cur) => ({ ...cur, data: { n: 2 } })),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
  assert.ok(isKeyExists((results[1] as PromiseRejectedResult).reason));
  assert.ok(isConflict((results[3] as PromiseRejectedResult).reason));
  const revisions = results.flatMap((r) => (r.status === 'fulfilled' ? [rvOf(r.value)] : []));
  assert.equal(new Set(revisions).size, 3, 'each write has its own revision');
  assert.deepEqual((await storage.get('/configmaps/default/x')).data, {});
  assert.equal(await storage.count('/configmaps'), 3);
});

test('compaction removes superseded rows and tombstones, keeping the state at the compacted revision', async (t) => {
  const { storage, path } = await openTemp(t);
  await storage.create('/configmaps/default/a', cm('a', { n: 0 }));
  for (let i = 1; i <= 10; i++) await storage.guaranteedUpdate('/configmaps/default/a', (cur) => ({ ...cur, data: { n: i } }));
  await storage.create('/configmaps/default/gone', cm('gone'));
  await storage.delete('/configmaps/default/gone');
  const b = await storage.create('/configmaps/default/b', cm('b'));
  const at = rvOf(b);
  const later = await storage.guaranteedUpdate('/configmaps/default/a', (cur) => ({ ...cur, data: { n: 11 } }));
  await storage.compact(at);

  const rows = logRows(path);
  assert.deepEqual(rows.map((r) => [r.name.split('/').pop(), r.deleted]), [['a', 0], ['b', 0], ['a', 0]]);
  assert.deepEqual((await storage.get('/configmaps/default/a', { revision: at })).data, { n: 10 });
  // Watching from the compacted revision still gives the later update with its prevObject.
  const w = storage.watch('/configmaps/default', { recursive: true, revision: at });
  t.after(() => w.stop());
  const first = await w[Symbol.asyncIterator]().next();
  assert.equal(first.value?.type, 'MODIFIED');
  assert.equal(first.value?.revision, rvOf(later));
  assert.deepEqual(first.value?.prevObject?.data, { n: 10 });
});

test('the compaction policy keeps the newest revisions and the recent ones', async (t) => {
  let now = 1_000_000;
  const { storage } = await openTemp(t, { clock: () => now, minRetainedRevisions: 5, minRetainedMs: 1000 });
  const write = async (i: number): Promise<number> => rvOf(await storage.create(`/configmaps/default/k${i}`, cm(`k${i}`)));
  const early: number[] = [];
  for (let i = 0; i < 10; i++) early.push(await write(i));
  now += 5000;
  const late: number[] = [];
  for (let i = 10; i < 20; i++) late.push(await write(i));

  now += 500;
  // Old enough: only the early writes; far enough back: all but the newest 5. The stricter wins.
  assert.equal(await storage.compactByPolicy(), early.at(-1));
  assert.equal(await storage.compactedRevision(), early.at(-1));
  assert.equal(await storage.compactByPolicy(), 0, 'nothing more to do at the same time');

  now += 5000;
  assert.equal(await storage.compactByPolicy(), late.at(-6));
  assert.equal(await storage.compactedRevision(), late.at(-6));
});

test('the compaction timer compacts by itself', async (t) => {
  const { storage } = await openTemp(t, { compactionIntervalMs: 10, minRetainedRevisions: 1, minRetainedMs: 0 });
  for (let i = 0; i < 5; i++) await storage.create(`/configmaps/default/k${i}`, cm(`k${i}`));
  const target = (await storage.currentRevision()) - 1;
  for (let guard = 0; (await storage.compactedRevision()) < target && guard < 500; guard++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(await storage.compactedRevision(), target);
});

test('a closed storage refuses work with UnavailableError and ends its watches', async (t) => {
  const { storage } = await openTemp(t);
  const w = storage.watch('/configmaps', { recursive: true });
  const pending = storage.create('/configmaps/default/a', cm('a'));
  await storage.close();
  assert.equal(rvOf(await pending), 1, 'a write asked for before close is committed');
  await assert.rejects(storage.get('/configmaps/default/a'), isUnavailable);
  await assert.rejects(storage.create('/configmaps/default/b', cm('b')), isUnavailable);
  await assert.rejects(storage.check(), isUnavailable);
  const events = [];
  for await (const e of w) events.push(e.type);
  assert.deepEqual(events, ['ADDED']);
});

test('a watch resumed from an older revision with bookmarks learns at once that it is current', async (t) => {
  const { storage } = await openTemp(t);
  await storage.create('/secrets/default/first', cm('first')); // revision 0 would mean "from now"
  const a = await storage.create('/configmaps/default/a', cm('a'));
  await storage.create('/secrets/default/s', cm('s'));
  const now = await storage.currentRevision();
  const it = storage.watch('/configmaps/', { recursive: true, revision: rvOf(a) - 1, bookmarks: true })[Symbol.asyncIterator]();
  const first = (await it.next()).value;
  assert.equal(first?.type, 'ADDED', 'the replay first');
  const second = (await it.next()).value;
  assert.equal(second?.type, 'BOOKMARK');
  assert.equal(second?.revision, now, 'the revision the replay covered, though the last commit was not its own');
  const plain = storage.watch('/configmaps/', { recursive: true, revision: rvOf(a) })[Symbol.asyncIterator]();
  await storage.create('/configmaps/default/b', cm('b'));
  assert.equal((await plain.next()).value?.type, 'ADDED', 'no bookmark for a watch that did not ask');
  await it.return?.();
  await plain.return?.();
});
