import type Database from 'better-sqlite3';
import { UnavailableError } from '../errors.js';
import type { Statements } from './schema.js';

/**
 * Group commit: every write asked for in the same turn of the event loop is
 * applied in one transaction (one WAL fsync), each still with its own
 * revision and its own outcome. A write whose check fails (the key exists, the
 * key moved on) writes nothing and does not affect the others. Outcomes are
 * delivered only after COMMIT returned, so an acknowledged write is durable.
 */

/** Writes, each conditional on the key's newest row. */
export type WriteOp =
  | { kind: 'create'; name: string; value: string }
  /** Applies only if the key's newest row is still `expect` (and not a tombstone). */
  | { kind: 'update'; name: string; value: string; expect: number; prevValue: string }
  | { kind: 'delete'; name: string; expect: number; prevValue: string };

export type WriteOutcome =
  | { status: 'ok'; event: CommittedEvent }
  /** create: the key exists at `revision`. */
  | { status: 'exists'; revision: number }
  /** update/delete: the key's newest row is no longer the expected one. */
  | { status: 'conflict' };

/** A committed write, as the watch path needs it. */
export interface CommittedEvent {
  revision: number;
  name: string;
  created: boolean;
  deleted: boolean;
  /** The new value; null for a delete. */
  value: string | null;
  prevRevision: number;
  /** The value before this write; null for a create. */
  prevValue: string | null;
}

interface Pending {
  op: WriteOp;
  resolve: (outcome: WriteOutcome) => void;
  reject: (err: Error) => void;
}

/** Bounds one transaction so that the event loop is not held for long. */
const MAX_BATCH = 1024;

export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Database.Database,
    private readonly stmts: Statements,
    private readonly clock: () => number,
    /** Called synchronously after each commit with its events in revision order. */
    private readonly onCommit: (events: CommittedEvent[]) => void,
  ) {}

  submit(op: WriteOp): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (also used by close()). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.commit(batch);
    }
  }

  /** Fails everything still queued (after close). */
  failPending(err: Error): void {
    const pending = this.queue;
    this.queue = [];
    for (const p of pending) p.reject(err);
  }

  private commit(batch: Pending[]): void {
    const outcomes: (WriteOutcome | Error)[] = [];
    const now = this.clock();
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      this.failAll(batch, err);
      return;
    }
    try {
      for (const p of batch) {
        try {
          outcomes.push(this.apply(p.op, now));
        } catch (err) {
          // A failed statement is undone on its own; some errors (I/O, full disk)
          // roll the whole transaction back, and then nothing in it happened.
          if (!this.db.inTransaction) throw err;
          outcomes.push(unavailable(err, p.op.name));
        }
      }
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.failAll(batch, err);
      return;
    }
    const events: CommittedEvent[] = [];
    for (const o of outcomes) if (!(o instanceof Error) && o.status === 'ok') events.push(o.event);
    if (events.length > 0) this.onCommit(events);
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o instanceof Error) p.reject(o);
      else p.resolve(o);
    });
  }

  private apply(op: WriteOp, now: number): WriteOutcome {
    const latest = this.stmts.latestMeta.get(op.name);
    const live = latest !== undefined && latest.deleted === 0;
    if (op.kind === 'create') {
      if (live) return { status: 'exists', revision: latest.revision };
      const prev = latest?.revision ?? 0;
      const revision = this.insert(op.name, 1, 0, 0, prev, op.value, now);
      return ok({ revision, name: op.name, created: true, deleted: false, value: op.value, prevRevision: prev, prevValue: null });
    }
    if (!live || latest.revision !== op.expect) return { status: 'conflict' };
    const createRevision = latest.created ? latest.revision : latest.create_revision;
    if (op.kind === 'update') {
      const revision = this.insert(op.name, 0, 0, createRevision, latest.revision, op.value, now);
      return ok({ revision, name: op.name, created: false, deleted: false, value: op.value, prevRevision: latest.revision, prevValue: op.prevValue });
    }
    const revision = this.insert(op.name, 0, 1, createRevision, latest.revision, null, now);
    return ok({ revision, name: op.name, created: false, deleted: true, value: null, prevRevision: latest.revision, prevValue: op.prevValue });
  }

  private insert(name: string, created: number, deleted: number, createRevision: number, prev: number, value: string | null, now: number): number {
    return Number(this.stmts.insert.run(name, created, deleted, createRevision, prev, value, now).lastInsertRowid);
  }

  private failAll(batch: Pending[], err: unknown): void {
    for (const p of batch) p.reject(unavailable(err, p.op.name));
  }
}

const ok = (event: CommittedEvent): WriteOutcome => ({ status: 'ok', event });

function unavailable(err: unknown, name: string): UnavailableError {
  return new UnavailableError(`sqlite write failed: ${(err as Error).message}`, name, { cause: err });
}
