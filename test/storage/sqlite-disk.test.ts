/**
 * SQLite gives disk back and survives values too large to decode: compaction
 * is followed by an incremental vacuum that shrinks the file, an old database
 * without auto-vacuum is converted once at open, and a value over
 * MAX_DECODED_VALUE_BYTES written into the file directly is skipped by lists,
 * replays and the watch cache, and answered with CorruptObjError by a get.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { Cacher } from '../../src/storage/cacher/index.js';
import { isCorruptObj, isObjectTooLarge } from '../../src/storage/errors.js';
import type { StoredObject, WatchEvent } from '../../src/storage/interfaces.js';
import type { StorageLogger } from '../../src/storage/logger.js';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { MAX_DECODED_VALUE_BYTES } from '../../src/storage/value-limit.js';
import { makeTempDir } from '../helpers/tmp.js';

const MiB = 1024 * 1024;

interface Logged {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

function recordingLogger(): { logger: StorageLogger; lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: Logged['level']) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

async function tempPath(t: TestContext): Promise<string> {
  const dir = await makeTempDir('frontdoor-sqlite-disk-');
  t.after(() => dir.remove());
  return join(dir.path, 'state.db');
}

const size = (path: string): number => (existsSync(path) ? statSync(path).size : 0);
const cm = (name: string, data: Record<string, unknown> = {}): StoredObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

test('compaction gives the freed pages back: the file shrinks to the live data', async (t) => {
  const path = await tempPath(t);
  const storage = SqliteStorage.open({ path, compactionIntervalMs: 0 });
  t.after(() => storage.close());
  const blob = 'x'.repeat(10 * 1024);
  // 20 keys updated side by side, so that group commit batches the writes: 4,000 revisions of 10 KiB.
  const keys = Array.from({ length: 20 }, (_, i) => `/configmaps/default/cm${i}`);
  await Promise.all(keys.map((k, i) => storage.create(k, cm(`cm${i}`, { v: '0', blob }))));
  for (let round = 1; round < 200; round++) {
    await Promise.all(keys.map((k) => storage.guaranteedUpdate(k, (cur) => ({ ...cur, data: { v: String(round), blob } }))));
  }
  const grown = size(path) + size(`${path}-wal`);
  assert.ok(grown > 30 * MiB, `the history should take room before compaction (${grown} bytes)`);

  await storage.compact(await storage.currentRevision());
  // One more write starts a new WAL generation: the WAL is cut back to its size limit.
  await storage.guaranteedUpdate(keys[0]!, (cur) => ({ ...cur, data: { v: 'last', blob } }));
  const db = size(path);
  const wal = size(`${path}-wal`);
  // 20 live objects of 10 KiB and one extra row: well under 2 MiB; the WAL at most its 4 MiB limit.
  assert.ok(db < 2 * MiB, `main database after compaction: ${db} bytes`);
  assert.ok(wal <= 4 * MiB + 64 * 1024, `WAL after compaction: ${wal} bytes`);
  for (const k of keys.slice(1)) assert.equal(((await storage.get(k)).data as { v: string }).v, '199');
  assert.equal(((await storage.get(keys[0]!)).data as { v: string }).v, 'last');
});

test('an existing database without auto-vacuum is converted once at open, and says so', async (t) => {
  const path = await tempPath(t);
  const old = new Database(path);
  old.pragma('auto_vacuum = NONE');
  old.pragma('journal_mode = WAL');
  old.exec('CREATE TABLE filler (x BLOB)');
  old.prepare('INSERT INTO filler VALUES (?)').run(Buffer.alloc(MiB));
  old.close();

  const first = recordingLogger();
  const storage = SqliteStorage.open({ path, compactionIntervalMs: 0, logger: first.logger });
  await storage.create('/configmaps/default/a', cm('a'));
  await storage.close();
  assert.ok(first.lines.some((l) => l.level === 'info' && /converted the SQLite database to incremental auto-vacuum/.test(l.message)), JSON.stringify(first.lines));

  const check = new Database(path, { readonly: true });
  assert.equal(check.pragma('auto_vacuum', { simple: true }), 2);
  check.close();

  const second = recordingLogger();
  const again = SqliteStorage.open({ path, compactionIntervalMs: 0, logger: second.logger });
  t.after(() => again.close());
  assert.equal((await again.get('/configmaps/default/a')).metadata?.name, 'a');
  assert.deepEqual(second.lines.filter((l) => /auto-vacuum/.test(l.message)), [], 'converted only once');
});

/** Writes a row the way the backend does, with a value the backend would never write: too large to decode. */
function writeOversized(path: string, name: string, bytes: number): void {
  const db = new Database(path);
  const value = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { big: 'y'.repeat(bytes) } });
  db.prepare(
    `INSERT INTO log (name, created, deleted, create_revision, prev_revision, value, write_time) VALUES (?, 1, 0, 0, 0, ?, ?)`,
  ).run(`/registry/configmaps/default/${name}`, value, Date.now());
  db.close();
}

test('a value too large to decode is skipped by lists, replays and the watch cache; a get names it', async (t) => {
  const path = await tempPath(t);
  const setup = SqliteStorage.open({ path, compactionIntervalMs: 0 });
  await setup.create('/configmaps/default/a', cm('a'));
  await setup.close();
  writeOversized(path, 'huge', MAX_DECODED_VALUE_BYTES + 1);

  const { logger, lines } = recordingLogger();
  const storage = SqliteStorage.open({ path, compactionIntervalMs: 0, logger });
  t.after(() => storage.close());
  await storage.create('/configmaps/default/z', cm('z'));

  const list = await storage.list('/configmaps');
  assert.deepEqual(list.items.map((o) => o.metadata?.name), ['a', 'z']);
  assert.deepEqual(list.tooLarge, ['/configmaps/default/huge']);
  const logged = lines.find((l) => l.level === 'error' && l.fields.key === '/registry/configmaps/default/huge');
  assert.ok(logged, JSON.stringify(lines));
  assert.ok(Number(logged.fields.bytes) > MAX_DECODED_VALUE_BYTES);

  await assert.rejects(storage.get('/configmaps/default/huge'), (err: unknown) => {
    assert.ok(isCorruptObj(err), String(err));
    assert.match((err as Error).message, /too large to decode \(\d+ bytes/);
    return true;
  });
  await assert.rejects(storage.guaranteedUpdate('/configmaps/default/huge', (cur) => cur), isCorruptObj);
  await assert.rejects(storage.create('/configmaps/default/new', cm('new', { big: 'y'.repeat(MAX_DECODED_VALUE_BYTES) })), isObjectTooLarge, 'never stores what it could not read back');

  // A watch replaying history from before the oversized row delivers the rest.
  const watcher = storage.watch('/configmaps', { recursive: true, revision: 1 });
  const seen: WatchEvent[] = [];
  for await (const ev of watcher) {
    seen.push(ev);
    if (ev.object.metadata?.name === 'z') break;
  }
  watcher.stop();
  assert.deepEqual(seen.map((e) => e.object.metadata?.name), ['z']);

  const cacher = new Cacher({ storage, resourcePrefix: '/configmaps', logger });
  t.after(() => cacher.stop());
  await cacher.start();
  const cached = await cacher.list('/configmaps', { match: 'NotOlderThan' });
  assert.deepEqual(cached.items.map((o) => o.metadata?.name), ['a', 'z']);
  assert.equal((await cacher.get('/configmaps/default/a')).metadata?.name, 'a');
  await assert.rejects(cacher.get('/configmaps/default/huge'), isCorruptObj, 'the cache does not claim the key is absent');
  await assert.rejects(cacher.get('/configmaps/default/absent'), (err: unknown) => (err as { code?: string }).code === 'KeyNotFound');
});
