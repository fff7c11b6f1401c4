/**
 * The storage seam: the verbs the registry and the watch cache need, modelled on
 * kube's storage.Interface. Keys are relative to the backend's prefix
 * (`/pods/default/web`; the backend stores `/registry/pods/default/web`).
 * Objects are plain JSON objects; a backend clears `metadata.resourceVersion`
 * before writing and sets it to the revision of the object's last write on every
 * object it returns.
 *
 * Both backends must give the same answers to the same calls: the conformance
 * suite in test/storage/conformance.ts is the contract.
 */

/** A stored object: JSON with kube's metadata. */
export interface StoredObject {
  metadata?: ObjectMetaLike;
  [field: string]: unknown;
}

export interface ObjectMetaLike {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  [field: string]: unknown;
}

/** Checked against the current object before a write; a mismatch is a ConflictError. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** Given the current object, returns the next one; may throw to abort the update. Re-run on conflict. */
export type TryUpdate = (current: StoredObject, meta: { revision: number }) => StoredObject | Promise<StoredObject>;

export interface UpdateOptions {
  preconditions?: Preconditions;
  /**
   * A possibly stale copy of the current object (the watch cache's): a backend
   * whose reads cost a round trip may try it first instead of reading, as kube
   * does. A conflict, or a no-op judged against it, makes the backend read the
   * real current object and try again, so staleness never decides an answer.
   */
  cachedExisting?: StoredObject;
}

/** Runs against the current object before a delete; throwing aborts it. Re-run on conflict. */
export type ValidateDeletion = (current: StoredObject) => void | Promise<void>;

/** Decides whether an object is visible to a list or watch (label and field selectors). */
export type Predicate = (obj: StoredObject) => boolean;

export interface GetOptions {
  /** 0 or undefined: the latest committed state. Otherwise the state at that revision. */
  revision?: number;
}

export interface ListOptions {
  /**
   * 0 or undefined: a consistent read of the latest state. Otherwise the state
   * at exactly that revision (ExpiredError if compacted, TooLargeResourceVersionError
   * if in the future). Ignored when `continue` is given: the token carries its revision.
   */
  revision?: number;
  /** At most this many items (after the predicate); 0 or undefined: no limit. */
  limit?: number;
  /** Opaque token from a previous page's `continue`. */
  continue?: string;
  predicate?: Predicate;
  /**
   * Also return `keys`. The watch cache asks for them: it must hold each object
   * under the key it is stored at, which its metadata need not spell.
   */
  withKeys?: boolean;
}

export interface ListResult {
  items: StoredObject[];
  /** The revision the list was read at: the list's resourceVersion. */
  revision: number;
  /** Set when more items remain. */
  continue?: string;
  /** How many keys remain after this page, when known (before the predicate). */
  remainingItemCount?: number;
  /** With `withKeys`: each item's key, as the caller names keys, in the order of `items`. */
  keys?: string[];
  /**
   * Keys (as the caller names them) whose stored value is too large to decode
   * (value-limit.ts): left out of `items` and logged, so that one such object
   * never keeps the rest from being listed. A get of one fails with CorruptObjError.
   */
  tooLarge?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  /** For DELETED: the last state, with resourceVersion set to the delete's revision. For BOOKMARK: only metadata.resourceVersion. */
  object: StoredObject;
  /** The state before this event, for MODIFIED and DELETED. */
  prevObject?: StoredObject;
  /** The revision of this event. */
  revision: number;
  /**
   * The changed object's key, as the watcher names keys; set by backends that
   * know it (SQLite), so that the watch cache need not derive it from metadata.
   */
  key?: string;
  /** For ERROR: what went wrong (ExpiredError for a compacted revision, UnavailableError...). */
  error?: Error;
}

export interface WatchOptions {
  /**
   * Deliver every event after this revision. 0 or undefined: from now on.
   * A compacted revision ends the watch with an ERROR event carrying an ExpiredError.
   */
  revision?: number;
  /** Watch every key under `key` as a prefix, not just the key itself. */
  recursive?: boolean;
  /** Objects that leave the predicate arrive as DELETED, those that enter as ADDED. */
  predicate?: Predicate;
  /** Ask for BOOKMARK events that carry the current revision (served by the watch cache). */
  bookmarks?: boolean;
}

/**
 * A stream of events in revision order with no gaps. It ends after an ERROR
 * event, when stop() is called, or when the source closes it (a slow consumer of
 * the watch cache); the consumer then re-watches from the last revision it saw.
 */
export interface Watcher extends AsyncIterable<WatchEvent> {
  stop(): void;
}

export interface Storage {
  /** Fails with KeyExistsError if the key exists. Returns the stored object. */
  create(key: string, obj: StoredObject): Promise<StoredObject>;
  /** Fails with KeyNotFoundError if the key does not exist. */
  get(key: string, opts?: GetOptions): Promise<StoredObject>;
  /** Every key under the prefix, in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /**
   * Read-modify-write: runs tryUpdate on the current object and writes the result
   * if nothing changed in between, else re-reads and runs it again. A result
   * equal to the current object writes nothing and returns the current object.
   */
  guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts?: UpdateOptions): Promise<StoredObject>;
  /** Returns the object as it was when deleted. */
  delete(key: string, opts?: { preconditions?: Preconditions; validateDeletion?: ValidateDeletion }): Promise<StoredObject>;
  watch(key: string, opts?: WatchOptions): Watcher;
  /** How many keys exist under the prefix. */
  count(prefix: string): Promise<number>;
  /** The newest committed revision. */
  currentRevision(): Promise<number>;
  /**
   * True when a watch that asked for bookmarks gets, for every commit with no
   * event of its own, a BOOKMARK at that commit's revision (etcd's progress
   * notification, unasked): a consumer that has taken every event is then
   * current as of the backend's revision. The watch cache serves consistent
   * reads only from such a backend. Absent: no such promise.
   */
  readonly notifiesProgress?: boolean;
}

/** What a backend adds to the verbs: it owns a connection, compaction and a health check. */
export interface StorageBackend extends Storage {
  /** Drops history at or before this revision; later watches and reads before it get ExpiredError. */
  compact(revision: number): Promise<void>;
  /** The oldest revision still readable (the last compaction, or 0). */
  compactedRevision(): Promise<number>;
  /** Resolves if the backend can serve now; rejects with UnavailableError otherwise. */
  check(): Promise<void>;
  close(): Promise<void>;
}
