import type { StoredObject } from '../interfaces.js';
import { TooLargeResourceVersionError, UnavailableError } from '../errors.js';
import { CacheEvent, type ObjectEventType } from './cache-event.js';
import type { CacherClock } from './clock.js';

/** The keys under a directory and their objects, index by index. */
export interface CachedDir {
  readonly keys: readonly string[];
  readonly objects: readonly StoredObject[];
}

interface Waiter {
  revision: number;
  resolve(): void;
  reject(err: Error): void;
  cancelTimer(): void;
}

/**
 * The state of one resource as of `revision`, plus a sliding window of the most
 * recent events. A watch from revision R can be served iff R >= oldestRevision:
 * every event after oldestRevision is still in the window. Single-threaded: each
 * method runs to completion, so a reader never sees half an event applied.
 */
export class WatchCache {
  private readonly store = new Map<string, StoredObject>();
  /** The store's keys in order, made by the first list after a key came or went (an update keeps it). */
  private sortedKeys: string[] | undefined;
  /** listUnder's answers since the last change: a storm of identical LISTs shares one. */
  private readonly under = new Map<string, CachedDir>();
  /** Objects per namespace, kept as events apply, so the in-flight limit can price a LIST without scanning. */
  private readonly perNamespace = new Map<string, number>();
  /** Ring buffer of the last `capacity` events, oldest at `head`. */
  private readonly window: (CacheEvent | undefined)[];
  private head = 0;
  private size = 0;
  private currentRevision = 0;
  private windowStart = 0;
  private waiters: Waiter[] = [];

  constructor(
    private readonly capacity: number,
    private readonly clock: CacherClock,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`window size must be a positive integer, got ${capacity}`);
    this.window = new Array<CacheEvent | undefined>(capacity);
  }

  /** The newest revision the cache reflects. */
  get revision(): number {
    return this.currentRevision;
  }

  /** Watches from this revision or later can be served from the window. */
  get oldestRevision(): number {
    return this.windowStart;
  }

  /** Replaces the whole state with a fresh list; the window starts empty at its revision. */
  replace(items: Iterable<[string, StoredObject]>, revision: number): void {
    this.store.clear();
    this.sortedKeys = undefined;
    this.under.clear();
    this.perNamespace.clear();
    for (const [key, obj] of items) {
      this.store.set(key, obj);
      this.countIn(obj, 1);
    }
    this.window.fill(undefined);
    this.head = 0;
    this.size = 0;
    this.currentRevision = revision;
    this.windowStart = revision;
    this.wakeWaiters();
  }

  /** Applies one change and returns the event to fan out. DELETED of an unknown key still yields an event. */
  apply(type: ObjectEventType, key: string, object: StoredObject, revision: number): CacheEvent {
    const prev = this.store.get(key);
    // The cache's own store decides ADDED vs MODIFIED, so watchers see a consistent story.
    const kind: ObjectEventType = type === 'DELETED' ? 'DELETED' : prev === undefined ? 'ADDED' : 'MODIFIED';
    if (kind === 'DELETED') this.store.delete(key);
    else this.store.set(key, object);
    if (kind !== 'MODIFIED') this.sortedKeys = undefined;
    this.under.clear();
    if (prev !== undefined) this.countIn(prev, -1);
    if (kind !== 'DELETED') this.countIn(object, 1);
    const event = new CacheEvent(kind, key, object, prev, revision);
    this.push(event);
    if (revision > this.currentRevision) this.currentRevision = revision;
    this.wakeWaiters();
    return event;
  }

  /** A progress notification from the backend: nothing changed up to this revision. */
  advance(revision: number): void {
    if (revision <= this.currentRevision) return;
    this.currentRevision = revision;
    this.wakeWaiters();
  }

  get(key: string): StoredObject | undefined {
    return this.store.get(key);
  }

  /** How many objects the cache holds: all, or those of one namespace. */
  count(namespace?: string): number {
    return namespace === undefined ? this.store.size : (this.perNamespace.get(namespace) ?? 0);
  }

  /**
   * The objects whose keys pass `match`, in key order: the backends' order too,
   * as kube's names are ASCII (UTF-16 code units and UTF-8 bytes sort alike there).
   */
  list(match: (key: string) => boolean): [string, StoredObject][] {
    const out: [string, StoredObject][] = [];
    for (const key of this.keysInOrder()) if (match(key)) out.push([key, this.store.get(key) as StoredObject]);
    return out;
  }

  /**
   * The keys starting with `dir` and their objects, in key order: found by
   * binary search (they are contiguous in key order), and kept until the next
   * change. Shared: callers must not change the arrays.
   */
  listUnder(dir: string): CachedDir {
    let found = this.under.get(dir);
    if (found === undefined) {
      const sorted = this.keysInOrder();
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((sorted[mid] as string) < dir) lo = mid + 1;
        else hi = mid;
      }
      const keys: string[] = [];
      const objects: StoredObject[] = [];
      for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(dir); i++) {
        keys.push(sorted[i] as string);
        objects.push(this.store.get(sorted[i] as string) as StoredObject);
      }
      found = { keys, objects };
      this.under.set(dir, found);
    }
    return found;
  }

  private keysInOrder(): string[] {
    this.sortedKeys ??= [...this.store.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sortedKeys;
  }

  /** Every event after `revision`, oldest first; undefined when the window no longer reaches back that far. */
  eventsAfter(revision: number): CacheEvent[] | undefined {
    if (revision < this.windowStart) return undefined;
    // Binary search for the first event newer than `revision`.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    const out: CacheEvent[] = [];
    for (let i = lo; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  /**
   * Resolves once the cache reflects `revision`; after timeoutMs rejects with
   * TooLargeResourceVersionError, kube's "Too large resource version" that
   * clients retry.
   */
  waitUntilFresh(revision: number, timeoutMs: number, key: string): Promise<void> {
    if (revision <= this.currentRevision) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        revision,
        resolve,
        reject,
        cancelTimer: this.clock.setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new TooLargeResourceVersionError(key, revision, this.currentRevision));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Fails every pending wait (the cacher is stopping). */
  rejectWaiters(reason: string): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      w.cancelTimer();
      w.reject(new UnavailableError(reason));
    }
  }

  private countIn(obj: StoredObject, delta: number): void {
    const ns = obj.metadata?.namespace;
    if (!ns) return;
    const n = (this.perNamespace.get(ns) ?? 0) + delta;
    if (n > 0) this.perNamespace.set(ns, n);
    else this.perNamespace.delete(ns);
  }

  private at(i: number): CacheEvent {
    return this.window[(this.head + i) % this.capacity] as CacheEvent;
  }

  private push(event: CacheEvent): void {
    if (this.size === this.capacity) {
      // Evict the oldest: from now on a watch must start at or after its revision.
      this.windowStart = this.at(0).revision;
      this.window[this.head] = event;
      this.head = (this.head + 1) % this.capacity;
      return;
    }
    this.window[(this.head + this.size) % this.capacity] = event;
    this.size++;
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.revision <= this.currentRevision) {
        w.cancelTimer();
        w.resolve();
      } else still.push(w);
    }
    this.waiters = still;
  }
}
