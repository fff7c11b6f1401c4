import type Database from 'better-sqlite3';
import type { StorageLogger } from '../logger.js';

/**
 * Giving disk back. Compaction deletes rows, which only frees pages inside the
 * file; without vacuuming the file keeps its largest size forever. With
 * auto_vacuum=INCREMENTAL SQLite tracks free pages so that
 * `PRAGMA incremental_vacuum(N)` can move up to N pages from the end of the
 * file into free slots and truncate it, a cost proportional to N, unlike a
 * full VACUUM that rewrites the whole file while holding the only connection.
 */

/** auto_vacuum's values as `PRAGMA auto_vacuum` reports them. */
const AUTO_VACUUM_INCREMENTAL = 2;
const AUTO_VACUUM_NONE = 0;

/**
 * Pages returned per step (4 MiB with the default 4 KiB pages). Each step is
 * one short write transaction; the event loop runs between steps, so writes
 * and reads wait for at most one step.
 */
export const VACUUM_STEP_PAGES = 1024;

/**
 * Before the connection is otherwise configured: a new database gets
 * auto_vacuum=INCREMENTAL (it must be set before the first table, and before
 * WAL mode writes the header); an existing one without it is converted once
 * with VACUUM, which rewrites the file, and says so in the log.
 */
export function ensureIncrementalVacuum(db: Database.Database, path: string, logger: StorageLogger): void {
  const mode = db.pragma('auto_vacuum', { simple: true }) as number;
  if (mode === AUTO_VACUUM_INCREMENTAL) return;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma('auto_vacuum = INCREMENTAL');
  // FULL to INCREMENTAL needs no rewrite; NONE does, and an empty file needs nothing.
  if (pages === 0 || mode !== AUTO_VACUUM_NONE) return;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const started = Date.now();
  logger.info('converting the SQLite database to incremental auto-vacuum (a one-time VACUUM)', { path, bytes: pages * pageSize });
  db.exec('VACUUM');
  const after = db.pragma('page_count', { simple: true }) as number;
  logger.info('converted the SQLite database to incremental auto-vacuum', {
    path,
    bytesBefore: pages * pageSize,
    bytesAfter: after * pageSize,
    ms: Date.now() - started,
  });
}

/**
 * Returns every free page to the file system, VACUUM_STEP_PAGES at a time,
 * yielding to the event loop between steps, then checkpoints the WAL so that
 * the main file is truncated now rather than at the next automatic
 * checkpoint. Returns the number of pages given back.
 */
export async function returnFreePages(db: Database.Database, isOpen: () => boolean): Promise<number> {
  let returned = 0;
  for (;;) {
    if (!isOpen()) return returned;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    if (free === 0) break;
    // A write transaction of the group committer never spans a turn of the event loop, so none is open here.
    db.pragma(`incremental_vacuum(${Math.min(free, VACUUM_STEP_PAGES)})`);
    returned += Math.min(free, VACUUM_STEP_PAGES);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (returned > 0 && isOpen()) db.pragma('wal_checkpoint(PASSIVE)');
  return returned;
}
