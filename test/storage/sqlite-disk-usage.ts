/**
 * Measures what the SQLite backend needs on disk per kept revision, and what
 * compaction gives back (the README's storage section quotes it). Not a test:
 *
 *   node --import tsx test/storage/sqlite-disk-usage.ts [updates] [valueKiB]
 *
 * One ConfigMap with a value of `valueKiB` is updated `updates` times; the
 * database file and its WAL are measured after the writes, after compaction
 * and incremental vacuum, and after close (a full checkpoint).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { makeTempDir } from '../helpers/tmp.js';

const updates = Number(process.argv[2] ?? 10_000);
const valueKiB = Number(process.argv[3] ?? 10);

const dir = await makeTempDir('frontdoor-disk-usage-');
const path = join(dir.path, 'state.db');
const bytes = (p: string): number => (existsSync(p) ? statSync(p).size : 0);
const onDisk = (): { db: number; wal: number } => ({ db: bytes(path), wal: bytes(`${path}-wal`) });
const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);

try {
  const storage = SqliteStorage.open({ path, compactionIntervalMs: 0 });
  const blob = 'x'.repeat(valueKiB * 1024);
  const key = '/configmaps/default/measured';
  await storage.create(key, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'measured', namespace: 'default' }, data: { v: '0', blob } });
  const empty = onDisk();
  for (let i = 1; i <= updates; i++) {
    await storage.guaranteedUpdate(key, (cur) => ({ ...cur, data: { v: String(i), blob } }));
  }
  const written = onDisk();
  const started = Date.now();
  await storage.compact(await storage.currentRevision());
  const compactMs = Date.now() - started;
  const compacted = onDisk();
  await storage.close();
  const closed = onDisk();
  // The WAL is bounded on its own (4 MiB once cut back); what grows with history is the database.
  const perRevision = (written.db - empty.db) / updates;
  console.log(`updates: ${updates} of one ConfigMap with a ${valueKiB} KiB value`);
  console.log(`after the writes:      db ${mib(written.db)} MiB + WAL ${mib(written.wal)} MiB`);
  console.log(`database bytes per kept revision: ${Math.round(perRevision)} (value ${valueKiB * 1024} bytes)`);
  console.log(`after compaction:      db ${mib(compacted.db)} MiB + WAL ${mib(compacted.wal)} MiB (compact + vacuum ${compactMs} ms)`);
  console.log(`after close:           db ${mib(closed.db)} MiB + WAL ${mib(closed.wal)} MiB`);
} finally {
  await dir.remove();
}
