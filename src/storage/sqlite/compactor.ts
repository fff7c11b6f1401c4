import type { Statements } from './schema.js';
import type Database from 'better-sqlite3';

/**
 * Compaction of the log: drops, at or before a revision, every row that a
 * later row (also at or before it) superseded and every tombstone. The state
 * at the compacted revision and everything after it stay readable.
 *
 * The compacted revision is recorded first, so reads below it are refused
 * from then on; the rows are then deleted in short transactions, one id range
 * at a time, yielding to the event loop in between so writes keep flowing.
 */

export const COMPACTED_REVISION = 'compacted_revision';

/** Revisions examined per delete transaction. */
const CHUNK = 4096;

export async function compactLog(db: Database.Database, stmts: Statements, from: number, to: number, isOpen: () => boolean): Promise<void> {
  stmts.setMeta.run(COMPACTED_REVISION, to);
  for (let lo = from; lo < to; lo += CHUNK) {
    if (!isOpen()) return;
    const hi = Math.min(lo + CHUNK, to);
    db.transaction(() => stmts.compactRange.run({ lo, hi, at: to }))();
    if (hi < to) await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface CompactionPolicy {
  minRetainedRevisions: number;
  minRetainedMs: number;
}

/**
 * The revision the periodic compaction may compact to: the newest one that
 * is both at least `minRetainedRevisions` behind the current revision and
 * written at least `minRetainedMs` ago. 0 when there is none.
 */
export function compactionTarget(stmts: Statements, current: number, now: number, policy: CompactionPolicy): number {
  const maxRevision = current - policy.minRetainedRevisions;
  if (maxRevision <= 0) return 0;
  const row = stmts.newestWrittenBefore.get({ maxRevision, cutoff: now - policy.minRetainedMs });
  return row?.revision ?? 0;
}
