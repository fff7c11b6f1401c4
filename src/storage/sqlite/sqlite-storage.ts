import Database from 'better-sqlite3';
import { decodeContinue, encodeContinue } from '../continue-token.js';
import {
  CorruptObjError,
  describeError,
  ExpiredError,
  InvalidObjError,
  KeyExistsError,
  KeyNotFoundError,
  TooLargeResourceVersionError,
  UnavailableError,
} from '../errors.js';
import type {
  GetOptions,
  ListOptions,
  ListResult,
  Preconditions,
  StorageBackend,
  StoredObject,
  TryUpdate,
  ValidateDeletion,
  Watcher,
  WatchOptions,
} from '../interfaces.js';
import { stderrStorageLogger, type StorageLogger } from '../logger.js';
import { checkStoredValueSize, decodableOrLogged, MAX_DECODED_VALUE_BYTES } from '../value-limit.js';
import { WatchChannel } from '../watch-channel.js';
import { decode, encode, sameStored, written } from './codec.js';
import { COMPACTED_REVISION, compactionTarget, compactLog } from './compactor.js';
import { GroupCommitter, type CommittedEvent, type WriteOp } from './group-commit.js';
import { checkPreconditions } from './preconditions.js';
import { configure, prepareStatements, type EventRow, type LogRow, type Statements } from './schema.js';
import { returnFreePages } from './vacuum.js';
import { deliver, WatcherSet } from './watchers.js';

export interface SqliteStorageOptions {
  /** The database file (created if missing); its -wal and -shm files sit beside it. */
  path: string;
  /** Prepended to every key: `/pods/a` is stored as `/registry/pods/a`. */
  prefix?: string;
  /** How often the compaction policy runs; 0 disables the timer. */
  compactionIntervalMs?: number;
  /** The periodic compaction keeps at least this many of the newest revisions... */
  minRetainedRevisions?: number;
  /** ...and every revision written within this long. */
  minRetainedMs?: number;
  /** Milliseconds since the epoch; injected by tests. */
  clock?: () => number;
  /** Where compaction failures, skipped oversized values and the one-time vacuum conversion are reported. */
  logger?: StorageLogger;
  /** The largest value a write may store; default the largest one that is read back (value-limit.ts). The server passes etcd's 1.5 MiB. */
  maxValueBytes?: number;
}

const DEFAULTS = {
  prefix: '/registry',
  compactionIntervalMs: 5 * 60_000,
  minRetainedRevisions: 1000,
  minRetainedMs: 5 * 60_000,
} satisfies Partial<SqliteStorageOptions>;

/**
 * The embedded backend: kine's log-structured layout on one SQLite file, with
 * watches fed from the commit path. A single connection serves everything;
 * because better-sqlite3 is synchronous, a read or a watch registration sees
 * exactly the commits before it, with nothing slipping in between.
 */
export class SqliteStorage implements StorageBackend {
  /** Watchers are fed from the commit path, bookmarks included (see WatcherSet.dispatch). */
  readonly notifiesProgress = true;
  readonly path: string;
  readonly prefix: string;
  private readonly db: Database.Database;
  private readonly stmts: Statements;
  private readonly committer: GroupCommitter;
  private readonly watchers: WatcherSet;
  private readonly clock: () => number;
  private readonly policy: { minRetainedRevisions: number; minRetainedMs: number };
  private readonly timer: NodeJS.Timeout | undefined;
  private revision: number;
  private compacted: number;
  private compaction: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly logger: StorageLogger;

  static open(opts: SqliteStorageOptions): SqliteStorage {
    return new SqliteStorage(opts);
  }

  private readonly maxValueBytes: number;

  private constructor(opts: SqliteStorageOptions) {
    const o = { ...DEFAULTS, ...opts };
    this.path = o.path;
    this.prefix = o.prefix.replace(/\/+$/, '');
    this.clock = o.clock ?? Date.now;
    this.policy = { minRetainedRevisions: o.minRetainedRevisions, minRetainedMs: o.minRetainedMs };
    this.logger = o.logger ?? stderrStorageLogger;
    this.maxValueBytes = o.maxValueBytes ?? MAX_DECODED_VALUE_BYTES;
    this.db = new Database(o.path);
    try {
      configure(this.db, o.path, this.logger);
      this.stmts = prepareStatements(this.db);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.revision = this.stmts.sequence.get()?.seq ?? 0;
    this.compacted = this.stmts.getMeta.get(COMPACTED_REVISION)?.value ?? 0;
    this.watchers = new WatcherSet((name) => name.slice(this.prefix.length));
    this.committer = new GroupCommitter(this.db, this.stmts, this.clock, (events) => this.committed(events));
    if (o.compactionIntervalMs > 0) {
      this.timer = setInterval(() => {
        this.compactByPolicy().catch((err: unknown) =>
          this.logger.error('sqlite compaction failed; the next run retries', { path: this.path, err: describeError(err) }),
        );
      }, o.compactionIntervalMs);
      this.timer.unref();
    }
  }

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    this.ensureOpen(key);
    if (obj.metadata?.resourceVersion) {
      throw new InvalidObjError('resourceVersion should not be set on objects to be created', key);
    }
    const name = this.fullKey(key);
    const value = encode(obj);
    checkStoredValueSize(key, value, this.maxValueBytes);
    const out = await this.committer.submit({ kind: 'create', name, value });
    if (out.status === 'exists') throw new KeyExistsError(key, out.revision);
    if (out.status !== 'ok') throw new Error(`unexpected outcome of create: ${out.status}`);
    return written(obj, out.event.revision);
  }

  async get(key: string, opts: GetOptions = {}): Promise<StoredObject> {
    this.ensureOpen(key);
    const name = this.fullKey(key);
    const at = opts.revision ?? 0;
    if (at > 0) this.checkReadable(key, at);
    const row = at > 0 ? this.stmts.latestAt.get(name, at) : this.stmts.latest.get(name);
    if (!row || row.deleted) throw new KeyNotFoundError(key, at || this.revision);
    return decode(name, valueOf(key, row), row.revision);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.ensureOpen(prefix);
    const dir = this.fullDir(prefix);
    const end = prefixEnd(dir);
    let start = dir;
    let at = opts.revision ?? 0;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      at = token.revision;
      start = dir + token.start;
    }
    if (at > 0) this.checkReadable(prefix, at);
    else at = this.revision;

    const limit = opts.limit ?? 0;
    const { predicate } = opts;
    const items: StoredObject[] = [];
    const keys: string[] | undefined = opts.withKeys ? [] : undefined;
    const tooLarge: string[] = [];
    let lastKey: string | undefined;
    let more = false;
    for (const row of this.stmts.list.iterate({ start, end, at })) {
      if (limit > 0 && items.length >= limit) {
        more = true;
        break;
      }
      lastKey = row.name;
      if (row.value === null) {
        decodableOrLogged(this.logger, row.name, row.size ?? 0);
        tooLarge.push(row.name.slice(this.prefix.length));
        continue;
      }
      const obj = decode(row.name, row.value, row.revision);
      if (predicate && !predicate(obj)) continue;
      items.push(obj);
      keys?.push(row.name.slice(this.prefix.length));
    }
    const result: ListResult = { items, revision: at };
    if (keys) result.keys = keys;
    if (tooLarge.length > 0) result.tooLarge = tooLarge;
    if (more && lastKey !== undefined) {
      const next = lastKey + '\x00';
      result.continue = encodeContinue({ revision: at, start: next.slice(dir.length) });
      // Like kube: the count is only meaningful when every key is an item.
      if (!predicate) result.remainingItemCount = this.stmts.count.get({ start: next, end, at })!.n;
    }
    return result;
  }

  async guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts: { preconditions?: Preconditions } = {}): Promise<StoredObject> {
    const name = this.fullKey(key);
    for (;;) {
      this.ensureOpen(key);
      const row = this.stmts.latest.get(name);
      if (!row || row.deleted) throw new KeyNotFoundError(key, this.revision);
      const current = valueOf(key, row);
      if (opts.preconditions) checkPreconditions(key, opts.preconditions, decode(name, current, row.revision));
      const next = await tryUpdate(decode(name, current, row.revision), { revision: row.revision });
      const value = encode(next);
      if (sameStored(value, current)) return decode(name, current, row.revision);
      checkStoredValueSize(key, value, this.maxValueBytes);
      this.ensureOpen(key);
      const out = await this.committer.submit({ kind: 'update', name, value, expect: row.revision, prevValue: current });
      if (out.status === 'ok') return written(next, out.event.revision);
      // The key moved on between the read and the write: read again, run tryUpdate again.
    }
  }

  async delete(key: string, opts: { preconditions?: Preconditions; validateDeletion?: ValidateDeletion } = {}): Promise<StoredObject> {
    const name = this.fullKey(key);
    for (;;) {
      this.ensureOpen(key);
      const row = this.stmts.latest.get(name);
      if (!row || row.deleted) throw new KeyNotFoundError(key, this.revision);
      const current = valueOf(key, row);
      if (opts.preconditions) checkPreconditions(key, opts.preconditions, decode(name, current, row.revision));
      if (opts.validateDeletion) await opts.validateDeletion(decode(name, current, row.revision));
      this.ensureOpen(key);
      const op: WriteOp = { kind: 'delete', name, expect: row.revision, prevValue: current };
      const out = await this.committer.submit(op);
      // As kube's etcd3 store: the last state, at the revision of the delete.
      if (out.status === 'ok') return decode(name, current, out.event.revision);
    }
  }

  watch(key: string, opts: WatchOptions = {}): Watcher {
    const recursive = opts.recursive ?? false;
    const name = recursive ? this.fullDir(key) : this.fullKey(key);
    let remove: (() => void) | undefined;
    const channel = new WatchChannel({ onStop: () => remove?.() });
    const from = opts.revision ?? 0;
    const fail = (error: Error): Watcher => {
      channel.push({ type: 'ERROR', object: {}, revision: this.revision, error });
      channel.close();
      return channel;
    };
    if (this.closed) return fail(new UnavailableError('sqlite storage is closed', key));
    if (from > 0 && from < this.compacted) return fail(new ExpiredError(key, from, this.compacted));
    // Replay and registration run in one synchronous step: no commit can land
    // between the history read here and the live subscription below.
    if (from > 0) {
      const rows = recursive
        ? this.stmts.eventsAfterInRange.all({ after: from, start: name, end: prefixEnd(name) })
        : this.stmts.eventsAfterForKey.all({ after: from, name });
      for (const row of rows) {
        // A value too large to decode (written before the limit) is left out, as lists leave it out.
        if (!replayable(row, this.logger)) continue;
        if (!deliver(channel, fromRow(row), opts.predicate, row.name.slice(this.prefix.length))) return channel;
      }
    }
    remove = this.watchers.add({ name, recursive, predicate: opts.predicate, bookmarks: opts.bookmarks }, channel, Math.max(from, this.revision));
    // The replay covered every revision up to now: say so at once, as a commit would, so that a
    // watch cache resuming on a quiet database knows it is current without waiting for a write.
    if (opts.bookmarks && from > 0 && from < this.revision) {
      channel.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.revision) } }, revision: this.revision });
    }
    return channel;
  }

  async count(prefix: string): Promise<number> {
    this.ensureOpen(prefix);
    const dir = this.fullDir(prefix);
    return this.stmts.count.get({ start: dir, end: prefixEnd(dir), at: this.revision })!.n;
  }

  async currentRevision(): Promise<number> {
    this.ensureOpen('');
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.ensureOpen('');
    if (revision > this.revision) throw new TooLargeResourceVersionError('', revision, this.revision);
    const run = this.compaction.then(async () => {
      if (revision <= this.compacted || this.closed) return;
      const from = this.stmts.oldest.get()?.revision ?? revision;
      this.compacted = revision;
      await compactLog(this.db, this.stmts, from - 1, revision, () => !this.closed);
      await returnFreePages(this.db, () => !this.closed);
    });
    this.compaction = run.catch(() => undefined);
    return run;
  }

  /**
   * One run of the periodic compaction: compacts up to the policy's target
   * (see compactionTarget) and returns it, or 0 when there was nothing to do.
   */
  async compactByPolicy(): Promise<number> {
    if (this.closed) return 0;
    const target = compactionTarget(this.stmts, this.revision, this.clock(), this.policy);
    if (target <= this.compacted) return 0;
    await this.compact(target);
    return target;
  }

  async compactedRevision(): Promise<number> {
    this.ensureOpen('');
    return this.compacted;
  }

  async check(): Promise<void> {
    this.ensureOpen('');
    try {
      this.db.prepare('SELECT 1').get();
    } catch (err) {
      throw new UnavailableError(`sqlite is not usable: ${(err as Error).message}`, '', { cause: err });
    }
  }

  /** Commits what was already asked for, ends every watch and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.committer.flush();
    this.closed = true;
    this.watchers.closeAll();
    await this.compaction;
    this.db.close();
  }

  private committed(events: CommittedEvent[]): void {
    this.revision = events[events.length - 1]!.revision;
    if (this.watchers.size > 0) this.watchers.dispatch(events);
  }

  private checkReadable(key: string, revision: number): void {
    if (revision > this.revision) throw new TooLargeResourceVersionError(key, revision, this.revision);
    if (revision < this.compacted) throw new ExpiredError(key, revision, this.compacted);
  }

  private ensureOpen(key: string): void {
    if (this.closed) throw new UnavailableError('sqlite storage is closed', key);
  }

  private fullKey(key: string): string {
    return this.prefix + (key.startsWith('/') ? key : `/${key}`);
  }

  /** A prefix is a directory, as in kube: `/pods/a` lists `/pods/a/...`, never `/pods/ab`. */
  private fullDir(prefix: string): string {
    const full = this.fullKey(prefix);
    return full.endsWith('/') ? full : `${full}/`;
  }
}

/** The first string after every string that starts with `prefix` (which ends in an ASCII character). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function fromRow(row: EventRow): CommittedEvent {
  return {
    revision: row.revision,
    name: row.name,
    created: row.created === 1,
    deleted: row.deleted === 1,
    value: row.value,
    prevRevision: row.prev_revision,
    prevValue: row.prev_value,
  };
}

/** The row's value; CorruptObjError when it was too large to read (schema.ts leaves it NULL). */
function valueOf(key: string, row: LogRow): string {
  if (row.value === null) throw new CorruptObjError(key, row.size ?? 0, MAX_DECODED_VALUE_BYTES, row.revision);
  return row.value;
}

/** False (and logged) when an event's value or previous value is too large to decode. */
function replayable(row: EventRow, logger: StorageLogger): boolean {
  const valueOk = row.value !== null || row.deleted === 1 || decodableOrLogged(logger, row.name, row.size ?? 0);
  const prevOk = row.prev_value !== null || row.created === 1 || decodableOrLogged(logger, row.name, row.prev_size ?? 0);
  return valueOk && prevOk;
}
