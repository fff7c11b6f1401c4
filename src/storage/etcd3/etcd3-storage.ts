/**
 * The etcd3 storage backend: kube's storage/etcd3 store over the etcd3 npm
 * client. Every write is one etcd transaction guarded by the key's
 * create_revision (create) or mod_revision (update, delete), so concurrent
 * writers never overwrite each other; a guarded write that loses re-reads the
 * key in the same transaction's else branch and tries again.
 *
 * Every request carries a deadline (requestTimeoutMs) and the client is built
 * without retries (client.ts), so when etcd is away each call fails at once, or
 * at worst at the deadline, with UnavailableError, and works again by itself as
 * soon as etcd is back.
 */
import type { Etcd3, IKeyValue, IRangeRequest, IRangeResponse, IResponseHeader, ITxnRequest, ITxnResponse } from 'etcd3';
import {
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
  UpdateOptions,
  ValidateDeletion,
  WatchOptions,
  Watcher,
} from '../interfaces.js';
import { stderrStorageLogger, type StorageLogger } from '../logger.js';
import { WatchChannel } from '../watch-channel.js';
import { createEtcd3Client, type Etcd3ClientOptions } from './client.js';
import { MAX_DECODED_VALUE_BYTES } from '../value-limit.js';
import { checkPreconditions, decodeObject, encodeObject, jsonEqual, withoutResourceVersion } from './codec.js';
import { isCompactedError, isFutureRevisionError, isRequestTooLargeError, mapEtcdError, unavailable } from './errors.js';
import { listEtcd } from './etcd3-list.js';
import { watchEtcd } from './etcd3-watch.js';
import { etcdDir, etcdKey, normalizePrefix, prefixRangeEnd } from './keys.js';

/**
 * 5 s: long enough to ride out an etcd leader election (1 s election timeout,
 * a few rounds) and a slow fsync under load, short enough that a request fails
 * with 503 well before kubectl's or the API server's own 60 s timeouts, so the
 * client retries instead of hanging on a dead member.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** kube's --etcd-healthcheck-timeout default: a health check must answer quickly. */
const HEALTH_CHECK_TIMEOUT_MS = 2_000;
/** How far behind etcd the last revision this storage saw may be and still start a watch "from now". */
const FROM_NOW_MAX_LAG = 1_000;

export interface Etcd3StorageOptions {
  /** Where the keys live in etcd; default `/registry`. */
  prefix?: string;
  requestTimeoutMs?: number;
  /** Where values skipped by a list (too large to decode) are reported. */
  logger?: StorageLogger;
  /** The largest value a write may store; default the largest one that is read back (value-limit.ts). The server passes etcd's default 1.5 MiB. */
  maxValueBytes?: number;
}

export interface Etcd3ConnectOptions extends Etcd3ClientOptions, Etcd3StorageOptions {}

/** The state of one key as read from etcd. */
interface KeyState {
  obj: StoredObject;
  modRevision: number;
}

export class Etcd3Storage implements StorageBackend {
  readonly prefix: string;
  private readonly requestTimeoutMs: number;
  /** The last compaction this process knows of: its own compact calls and etcd's refusals. */
  private knownCompacted = 0;
  /** The newest revision any response has shown (see fromNowStart). */
  private lastObserved = 0;
  private closed = false;
  private readonly watchers = new Set<Watcher>();
  private readonly logger: StorageLogger;
  private readonly maxValueBytes: number;

  /** Uses an existing client (many prefixes may share one); close() then leaves the client open. */
  constructor(
    readonly client: Etcd3,
    opts: Etcd3StorageOptions = {},
    private readonly ownsClient = false,
  ) {
    this.prefix = normalizePrefix(opts.prefix ?? '/registry');
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.logger = opts.logger ?? stderrStorageLogger;
    this.maxValueBytes = opts.maxValueBytes ?? MAX_DECODED_VALUE_BYTES;
  }

  /** Connects with a client of its own, closed by close(). Does not wait for etcd: check() does. */
  static async connect(opts: Etcd3ConnectOptions): Promise<Etcd3Storage> {
    const client = await createEtcd3Client(opts);
    return new Etcd3Storage(client, opts, true);
  }

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    if (obj.metadata?.resourceVersion) {
      throw new InvalidObjError('resourceVersion should not be set on objects to be created', key);
    }
    const full = etcdKey(this.prefix, key);
    const value = encodeObject(key, obj, this.maxValueBytes);
    const resp = await this.txn(key, {
      compare: [{ key: Buffer.from(full), target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: Buffer.from(full), value } }],
    });
    if (!resp.succeeded) throw new KeyExistsError(key);
    return decodeObject(key, value, resp.header.revision);
  }

  async get(key: string, opts: GetOptions = {}): Promise<StoredObject> {
    const revision = opts.revision ?? 0;
    const resp = await this.range(key, { key: Buffer.from(etcdKey(this.prefix, key)), revision: revision || undefined }, revision);
    const kv = resp.kvs[0];
    if (!kv) throw new KeyNotFoundError(key, revision);
    return decodeObject(key, kv.value, kv.mod_revision);
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return listEtcd(etcdDir(this.prefix, prefix), opts, (req, revision) => this.range(prefix, req, revision), this.prefix, this.logger);
  }

  async guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts: UpdateOptions = {}): Promise<StoredObject> {
    const full = Buffer.from(etcdKey(this.prefix, key));
    // A cached copy saves the first read; it is only trusted by the transaction's compare.
    const cached = opts.cachedExisting && cachedState(opts.cachedExisting);
    let state = cached ?? (await this.readState(key));
    let fresh = !cached;
    for (;;) {
      if (!state) throw new KeyNotFoundError(key);
      try {
        checkPreconditions(key, opts.preconditions, state.obj);
      } catch (err) {
        if (fresh) throw err;
        state = await this.readState(key);
        fresh = true;
        continue;
      }
      const next = await tryUpdate(structuredClone(state.obj), { revision: state.modRevision });
      if (jsonEqual(withoutResourceVersion(next), withoutResourceVersion(state.obj))) {
        if (fresh) return state.obj;
        // A no-op against a stale copy proves nothing: judge it against the real object.
        state = await this.readState(key);
        fresh = true;
        continue;
      }
      const value = encodeObject(key, next, this.maxValueBytes);
      const resp = await this.txn(key, {
        compare: [{ key: full, target: 'Mod', result: 'Equal', mod_revision: state.modRevision }],
        success: [{ request_put: { key: full, value } }],
        failure: [{ request_range: { key: full } }],
      });
      if (resp.succeeded) return decodeObject(key, value, resp.header.revision);
      // Someone wrote in between: the else branch carries the key as it is now.
      state = this.stateFrom(key, resp.responses[0]?.response_range?.kvs[0]);
      fresh = true;
    }
  }


  async delete(key: string, opts: { preconditions?: Preconditions; validateDeletion?: ValidateDeletion } = {}): Promise<StoredObject> {
    const full = Buffer.from(etcdKey(this.prefix, key));
    let state = await this.readState(key);
    for (;;) {
      if (!state) throw new KeyNotFoundError(key);
      checkPreconditions(key, opts.preconditions, state.obj);
      if (opts.validateDeletion) await opts.validateDeletion(structuredClone(state.obj));
      const resp = await this.txn(key, {
        compare: [{ key: full, target: 'Mod', result: 'Equal', mod_revision: state.modRevision }],
        success: [{ request_delete_range: { key: full } }],
        failure: [{ request_range: { key: full } }],
      });
      if (resp.succeeded) {
        // As kube: the last state, at the revision of the delete.
        state.obj.metadata = { ...state.obj.metadata, resourceVersion: resp.header.revision };
        return state.obj;
      }
      state = this.stateFrom(key, resp.responses[0]?.response_range?.kvs[0]);
    }
  }

  watch(key: string, opts: WatchOptions = {}): Watcher {
    if (this.closed) {
      const ended = new WatchChannel();
      ended.push({ type: 'ERROR', object: {}, revision: 0, error: closedError(key) });
      ended.close();
      return ended;
    }
    const recursive = opts.recursive ?? false;
    const observed = this.lastObserved;
    const watcher: Watcher = watchEtcd({
      client: this.client,
      key,
      etcdKey: recursive ? etcdDir(this.prefix, key) : etcdKey(this.prefix, key),
      recursive,
      startAfter: opts.revision && opts.revision > 0 ? opts.revision : undefined,
      predicate: opts.predicate,
      nowRevision: async () => {
        const current = await this.currentRevision();
        return this.fromNowStart(observed, current);
      },
      onCompacted: (revision) => this.learnCompacted(revision),
      onEnd: () => this.watchers.delete(watcher),
    });
    this.watchers.add(watcher);
    return watcher;
  }

  async count(prefix: string): Promise<number> {
    const dir = etcdDir(this.prefix, prefix);
    const resp = await this.range(prefix, { key: Buffer.from(dir), range_end: prefixRangeEnd(dir), count_only: true }, 0);
    return Number(resp.count);
  }

  async currentRevision(): Promise<number> {
    const resp = await this.range('', { key: Buffer.from(this.prefix || '/'), count_only: true }, 0);
    return Number(resp.header.revision);
  }

  async compact(revision: number): Promise<void> {
    if (this.closed) throw closedError('');
    try {
      await this.client.kv.compact({ revision }, this.callOptions());
      this.learnCompacted(revision);
    } catch (err) {
      // Compacting at or below an earlier compaction has nothing left to do.
      if (isCompactedError(err)) return this.learnCompacted(revision);
      if (isFutureRevisionError(err)) throw new TooLargeResourceVersionError('', revision, await this.currentRevision());
      throw mapEtcdError(err, '');
    }
  }

  async compactedRevision(): Promise<number> {
    return this.knownCompacted;
  }

  async check(): Promise<void> {
    if (this.closed) throw closedError('');
    const timeout = Math.min(this.requestTimeoutMs, HEALTH_CHECK_TIMEOUT_MS);
    try {
      await this.client.kv.range({ key: Buffer.from(this.prefix || '/'), count_only: true }, { deadline: Date.now() + timeout });
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Ends this storage's watches and refuses further calls; closes the client only if it made it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watcher of [...this.watchers]) watcher.stop();
    if (this.ownsClient) this.client.close();
  }

  /**
   * "From now" is the moment watch() was called. The newest revision this
   * storage had seen then is at or before that moment, so starting after it
   * cannot miss a write the caller makes once watch() returns (starting after
   * the revision read later, asynchronously, could). It is only used when it is
   * recent and not compacted; otherwise the watch starts after `current`.
   */
  private fromNowStart(observed: number, current: number): number {
    if (observed > 0 && observed >= this.knownCompacted && current - observed <= FROM_NOW_MAX_LAG) return observed;
    return current;
  }

  private observe(header: IResponseHeader): void {
    const revision = Number(header.revision);
    if (revision > this.lastObserved) this.lastObserved = revision;
  }

  private learnCompacted(revision: number): void {
    if (revision > this.knownCompacted) this.knownCompacted = revision;
  }

  private callOptions(): { deadline: number } {
    return { deadline: Date.now() + this.requestTimeoutMs };
  }

  private async readState(key: string): Promise<KeyState | undefined> {
    const resp = await this.range(key, { key: Buffer.from(etcdKey(this.prefix, key)) }, 0);
    return this.stateFrom(key, resp.kvs[0]);
  }

  private stateFrom(key: string, kv: IKeyValue | undefined): KeyState | undefined {
    if (!kv) return undefined;
    return { obj: decodeObject(key, kv.value, kv.mod_revision), modRevision: Number(kv.mod_revision) };
  }

  /** One etcd range; `revision` is what was asked for (0: latest), for the revision errors. */
  private async range(key: string, req: IRangeRequest, revision: number): Promise<IRangeResponse> {
    if (this.closed) throw closedError(key);
    try {
      const resp = await this.client.kv.range(req, this.callOptions());
      this.observe(resp.header);
      return resp;
    } catch (err) {
      if (isCompactedError(err)) {
        // etcd refuses revisions below its compaction, so it is past `revision`.
        this.learnCompacted(revision + 1);
        throw new ExpiredError(key, revision, this.knownCompacted);
      }
      if (isFutureRevisionError(err)) {
        throw new TooLargeResourceVersionError(key, revision, await this.currentRevision());
      }
      throw mapEtcdError(err, key);
    }
  }

  private async txn(key: string, req: ITxnRequest): Promise<ITxnResponse> {
    if (this.closed) throw closedError(key);
    try {
      const resp = await this.client.kv.txn(req, this.callOptions());
      this.observe(resp.header);
      return resp;
    } catch (err) {
      if (isRequestTooLargeError(err)) {
        throw new InvalidObjError(`the object at ${key} is too large for etcd: ${(err as Error).message}`, key);
      }
      throw mapEtcdError(err, key);
    }
  }
}

const closedError = (key: string): UnavailableError => new UnavailableError('etcd storage is closed', key);

/** The state a cached object claims, or undefined when it carries no usable resourceVersion. */
function cachedState(obj: StoredObject): KeyState | undefined {
  const rv = Number(obj.metadata?.resourceVersion);
  return Number.isSafeInteger(rv) && rv > 0 ? { obj, modRevision: rv } : undefined;
}
