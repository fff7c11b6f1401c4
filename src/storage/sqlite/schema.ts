import type Database from 'better-sqlite3';
import type { StorageLogger } from '../logger.js';
import { MAX_DECODED_VALUE_BYTES } from '../value-limit.js';
import { ensureIncrementalVacuum } from './vacuum.js';

/**
 * The on-disk layout, in the style of k3s-io/kine: one append-only log of
 * revisions. Every write appends a row; the newest row of a key is its current
 * state (or its tombstone when `deleted = 1`). The state at revision R is, per
 * key, the newest row with revision <= R that is not a tombstone.
 *
 *   revision         the global revision of this write (AUTOINCREMENT: a revision
 *                    is never reused, even when compaction removed the newest row)
 *   name             the full key, `/registry/pods/default/web` (BINARY collation:
 *                    byte order, as etcd orders keys)
 *   created          1 for the first write of a key (or the first after a delete)
 *   deleted          1 for a tombstone
 *   create_revision  the revision that created this incarnation (0 on a created
 *                    row: it is the row's own revision)
 *   prev_revision    the key's previous row (0 for the first ever write); the
 *                    previous value is read through it instead of being copied
 *   value            the object as JSON without metadata.resourceVersion; NULL on
 *                    a tombstone (its last state is the prev_revision row's value)
 *   write_time       the clock when written (ms), for the compaction policy
 *
 * Compaction keeps, for each key, the newest row at or before the compacted
 * revision (unless it is a tombstone), so the prev_revision row of every event
 * after the compacted revision is still there.
 */
export const SCHEMA_VERSION = 1;

/**
 * 4 MiB: just above what the automatic checkpoint lets the WAL reach (1000
 * pages of 4 KiB and their frame headers), so a WAL that held only ordinary
 * commits is reused as it is, and one that a large transaction grew is cut back.
 */
const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

const DDL = `
CREATE TABLE IF NOT EXISTS log (
  revision INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT,
  write_time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_name_revision ON log (name, revision, deleted);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Connection settings. WAL so that readers never block the writer and a commit
 * is one append to the WAL. synchronous=FULL: the WAL is fsynced at every
 * commit, so an acknowledged write survives power loss as well as kill -9
 * (NORMAL survives kill -9 too, because the WAL write reached the OS before the
 * commit returned, but loses the last commits on power loss). Group commit
 * makes one fsync cover a whole batch of writes, so FULL costs little under
 * concurrency; etcd makes the same choice (fsync before acknowledging).
 * auto_vacuum=INCREMENTAL lets compaction give freed pages back (vacuum.ts).
 */
export function configure(db: Database.Database, path: string, logger: StorageLogger): void {
  ensureIncrementalVacuum(db, path, logger);
  db.pragma('journal_mode = WAL');
  // A checkpoint that resets the WAL truncates it to this, so one large transaction (a
  // compaction, a vacuum step) does not leave a large WAL behind for good.
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`database schema version ${version} is newer than this build understands (${SCHEMA_VERSION})`);
  }
  db.exec(DDL);
  if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

/**
 * A row of the log as the statements return it. `size` is the value's length in
 * bytes, measured in SQL; a value over MAX_DECODED_VALUE_BYTES comes back as
 * NULL, so an oversized value is never read into JS (the caller reports it).
 */
export interface LogRow {
  revision: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string | null;
  size: number | null;
}

/** A log row joined with its previous row's value, for watch events. */
export interface EventRow extends LogRow {
  prev_value: string | null;
  prev_size: number | null;
}

/** The value column, or NULL when it is too large to decode (see LogRow). */
const boundedValue = (column: string, valueAs: string, sizeAs: string): string =>
  `CASE WHEN octet_length(${column}) <= ${MAX_DECODED_VALUE_BYTES} THEN ${column} END AS ${valueAs}, octet_length(${column}) AS ${sizeAs}`;

/** Every statement, named, prepared once (kine's generic.go keeps them the same way). */
export function prepareStatements(db: Database.Database) {
  // The newest row per key at @at, streamed in key order straight off the
  // (name, revision) index: a page with a LIMIT reads only what it returns.
  const latestPerKey = `
    SELECT l.revision, l.name, l.created, l.deleted, l.create_revision, l.prev_revision, ${boundedValue('l.value', 'value', 'size')}
    FROM log l
    WHERE l.name >= @start AND l.name < @end AND l.revision <= @at AND l.deleted = 0
      AND NOT EXISTS (SELECT 1 FROM log n WHERE n.name = l.name AND n.revision > l.revision AND n.revision <= @at)
    ORDER BY l.name`;
  return {
    latest: db.prepare<[string], LogRow>(
      `SELECT revision, name, created, deleted, create_revision, prev_revision, ${boundedValue('value', 'value', 'size')}
       FROM log WHERE name = ? ORDER BY revision DESC LIMIT 1`,
    ),
    /** The newest row of a key without its value: what a write checks. */
    latestMeta: db.prepare<[string], Omit<LogRow, 'value' | 'name'>>(
      `SELECT revision, created, deleted, create_revision, prev_revision
       FROM log WHERE name = ? ORDER BY revision DESC LIMIT 1`,
    ),
    latestAt: db.prepare<[string, number], LogRow>(
      `SELECT revision, name, created, deleted, create_revision, prev_revision, ${boundedValue('value', 'value', 'size')}
       FROM log WHERE name = ? AND revision <= ? ORDER BY revision DESC LIMIT 1`,
    ),
    list: db.prepare<{ start: string; end: string; at: number }, LogRow>(latestPerKey),
    count: db.prepare<{ start: string; end: string; at: number }, { n: number }>(
      `SELECT COUNT(*) AS n FROM log l
       WHERE l.name >= @start AND l.name < @end AND l.revision <= @at AND l.deleted = 0
         AND NOT EXISTS (SELECT 1 FROM log n WHERE n.name = l.name AND n.revision > l.revision AND n.revision <= @at)`,
    ),
    insert: db.prepare<[string, number, number, number, number, string | null, number]>(
      `INSERT INTO log (name, created, deleted, create_revision, prev_revision, value, write_time)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    eventsAfterInRange: db.prepare<{ after: number; start: string; end: string }, EventRow>(
      `SELECT l.revision, l.name, l.created, l.deleted, l.create_revision, l.prev_revision,
              ${boundedValue('l.value', 'value', 'size')}, ${boundedValue('p.value', 'prev_value', 'prev_size')}
       FROM log l LEFT JOIN log p ON p.revision = l.prev_revision
       WHERE l.revision > @after AND +l.name >= @start AND +l.name < @end
       ORDER BY l.revision`,
    ),
    eventsAfterForKey: db.prepare<{ after: number; name: string }, EventRow>(
      `SELECT l.revision, l.name, l.created, l.deleted, l.create_revision, l.prev_revision,
              ${boundedValue('l.value', 'value', 'size')}, ${boundedValue('p.value', 'prev_value', 'prev_size')}
       FROM log l LEFT JOIN log p ON p.revision = l.prev_revision
       WHERE l.name = @name AND l.revision > @after
       ORDER BY l.revision`,
    ),
    oldest: db.prepare<[], { revision: number | null }>(`SELECT MIN(revision) AS revision FROM log`),
    sequence: db.prepare<[], { seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'log'`),
    getMeta: db.prepare<[string], { value: number }>(`SELECT value FROM meta WHERE name = ?`),
    setMeta: db.prepare<[string, number]>(
      `INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
    ),
    /** Rows in (lo, hi] made obsolete by compacting at @at: tombstones, and rows superseded by a row <= @at. */
    compactRange: db.prepare<{ lo: number; hi: number; at: number }>(
      `DELETE FROM log WHERE revision > @lo AND revision <= @hi AND (
         deleted = 1 OR EXISTS (
           SELECT 1 FROM log n WHERE n.name = log.name AND n.revision > log.revision AND n.revision <= @at))`,
    ),
    /** The newest revision no later than @maxRevision written at or before @cutoff. */
    newestWrittenBefore: db.prepare<{ maxRevision: number; cutoff: number }, { revision: number }>(
      `SELECT revision FROM log WHERE revision <= @maxRevision AND write_time <= @cutoff
       ORDER BY revision DESC LIMIT 1`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
