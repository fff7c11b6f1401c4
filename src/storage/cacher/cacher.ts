import { registerStorageObjects } from '../../observability/metrics/storage-metrics.js';
import type {
  GetOptions,
  ListOptions,
  ListResult,
  Preconditions,
  Storage,
  StoredObject,
  TryUpdate,
  UpdateOptions,
  ValidateDeletion,
  WatchEvent,
  WatchOptions,
  Watcher,
} from '../interfaces.js';
import { ExpiredError, KeyNotFoundError, UnavailableError } from '../errors.js';
import { stderrStorageLogger, type StorageLogger } from '../logger.js';
import { CacheWatcher } from './cache-watcher.js';
import { type CacherClock, realClock } from './clock.js';
import { Reflector } from './reflector.js';
import { WatchCache } from './watch-cache.js';

/**
 * How a read's `revision` is matched (kube's resourceVersionMatch). Undefined keeps
 * Storage's meaning: 0 is a consistent read from the backend, N the state at exactly
 * N. 'NotOlderThan' is kube's resourceVersion=0 / NotOlderThan path: any state at
 * or after `revision` (0: any), served from the cache.
 */
export type ResourceVersionMatch = 'NotOlderThan' | 'Exact';

export interface CacherGetOptions extends GetOptions {
  match?: ResourceVersionMatch;
}

/** With match 'NotOlderThan' the list comes from the cache, whole: `limit` is ignored, as kube's cache did. */
export interface CacherListOptions extends ListOptions {
  match?: ResourceVersionMatch;
}

export interface CacherWatchOptions extends WatchOptions {
  /**
   * kube's sendInitialEvents: first the current state (at least `revision`, if
   * given) as ADDED events, then a BOOKMARK annotated k8s.io/initial-events-end,
   * then live events.
   */
  initialEvents?: boolean;
}

export interface CacherOptions {
  /** The backend the cache reads from and writes through. */
  storage: Storage;
  /** The resource's key prefix, e.g. "/pods"; everything under `${resourcePrefix}/` is cached. */
  resourcePrefix: string;
  /** The key an object is stored under. Default: kube's `<prefix>/<namespace>/<name>`, or `<prefix>/<name>` without a namespace. */
  keyFunc?: (obj: StoredObject) => string;
  /**
   * Events kept for watches that resume from a past revision. Default 1000: a
   * client-go watch re-established after its timeout (or a brief disconnect) resumes
   * within seconds, and 1000 covers seconds of a busy resource's writes while
   * costing only references to objects the cache already holds.
   */
  windowSize?: number;
  /** How often watchers that asked for bookmarks get one. Default 60 s, kube's bookmark frequency. */
  bookmarkIntervalMs?: number;
  /**
   * Live events a watcher may leave unread before it is closed. Default 100: one
   * write makes one event, so this absorbs a burst while the HTTP writer drains,
   * yet bounds what a stalled client can pin.
   */
  watcherBufferSize?: number;
  /** How long a NotOlderThan read waits for the cache to catch up. Default 3 s, kube's blockTimeout. */
  freshnessTimeoutMs?: number;
  clock?: CacherClock;
  /** Where failed lists and watches of the backend are reported (they are retried). */
  logger?: StorageLogger;
  /** kube's group-resource ("pods", "deployments.apps"): while the cache runs, its count is apiserver_storage_objects{resource}. */
  metricsResource?: string;
}

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/**
 * kube's watch cache for one resource: one backend list+watch keeps the current
 * state and a window of recent events; watches are served from it, fanned out to
 * any number of watchers with shared event instances. Writes, paged lists
 * without a resourceVersion and reads at an exact revision pass through to the
 * backend; a consistent get or unpaged list is answered from the cache once it
 * has caught up (see consistentGet). Objects handed out are shared: callers
 * must not mutate them.
 */
export class Cacher implements Storage {
  private readonly backend: Storage;
  private readonly prefixSlash: string;
  private readonly keyFunc: (obj: StoredObject) => string;
  private readonly bookmarkIntervalMs: number;
  private readonly watcherBufferSize: number;
  private readonly freshnessTimeoutMs: number;
  private readonly clock: CacherClock;
  private readonly cache: WatchCache;
  private readonly reflector: Reflector;
  private readonly watchersByKey = new Map<string, Set<CacheWatcher>>();
  private readonly recursiveWatchers = new Set<CacheWatcher>();
  /** One ADDED event per cached object instance, shared by every initial-events watcher. */
  private readonly initialAdded = new WeakMap<StoredObject, WatchEvent>();
  /**
   * Keys the last list left out as too large to decode: the cache does not
   * hold them, yet they exist, so a get of one asks the backend (which answers
   * CorruptObjError) instead of saying NotFound.
   */
  private tooLarge = new Set<string>();
  private isReady = false;
  private stopped = false;
  private readyWaiters: { resolve(): void; reject(err: Error): void }[] = [];
  private started: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private cancelBookmarkTimer: (() => void) | undefined;
  private readonly metricsResource: string | undefined;
  private unregisterCount: (() => void) | undefined;

  constructor(opts: CacherOptions) {
    const prefix = opts.resourcePrefix.replace(/\/+$/, '');
    if (!prefix.startsWith('/')) throw new TypeError(`resourcePrefix must start with "/": ${opts.resourcePrefix}`);
    this.backend = opts.storage;
    this.metricsResource = opts.metricsResource;
    this.prefixSlash = `${prefix}/`;
    this.keyFunc =
      opts.keyFunc ??
      ((obj) => {
        const ns = obj.metadata?.namespace;
        const name = obj.metadata?.name ?? '';
        return ns ? `${prefix}/${ns}/${name}` : `${prefix}/${name}`;
      });
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
    this.watcherBufferSize = opts.watcherBufferSize ?? 100;
    this.freshnessTimeoutMs = opts.freshnessTimeoutMs ?? 3_000;
    this.clock = opts.clock ?? realClock;
    this.cache = new WatchCache(opts.windowSize ?? 1000, this.clock);
    this.reflector = new Reflector({
      backend: this.backend,
      prefix: this.prefixSlash,
      keyFunc: this.keyFunc,
      cache: this.cache,
      clock: this.clock,
      onSynced: () => this.setReady(true),
      onDispatch: (ce) => {
        this.tooLarge.delete(ce.key);
        const single = this.watchersByKey.get(ce.key);
        if (single) for (const w of single) w.deliver(ce);
        for (const w of this.recursiveWatchers) w.deliver(ce);
      },
      onLost: () => this.expireWatchers(),
      onTooLarge: (keys) => {
        this.tooLarge = new Set(keys);
      },
      logger: opts.logger ?? stderrStorageLogger,
    });
  }

  /** True while the cache reflects the backend (synced, and not relisting). */
  get ready(): boolean {
    return this.isReady;
  }

  /** The revision the cache reflects. */
  get revision(): number {
    return this.cache.revision;
  }

  /** How many watchers the cache is serving now. */
  get watcherCount(): number {
    let n = this.recursiveWatchers.size;
    for (const set of this.watchersByKey.values()) n += set.size;
    return n;
  }

  /** Lists the prefix, then watches it from the list's revision; resolves once synced. */
  start(): Promise<void> {
    if (this.started === undefined) {
      this.started = this.whenReady();
      this.running = this.reflector.run();
      this.scheduleBookmarks();
      if (this.metricsResource !== undefined) this.unregisterCount = registerStorageObjects(this.metricsResource, () => this.cachedCount());
    }
    return this.started;
  }

  /** Ends the backend watch and every watcher; resolves when the list/watch loop has returned. */
  async stop(): Promise<void> {
    if (this.stopped) return this.running;
    this.stopped = true;
    this.unregisterCount?.();
    this.cancelBookmarkTimer?.();
    this.setReady(false);
    for (const w of this.readyWaiters) w.reject(new UnavailableError('watch cache stopped'));
    this.readyWaiters = [];
    this.cache.rejectWaiters('watch cache stopped');
    for (const w of this.allWatchers()) w.close();
    await this.reflector.stop();
    await this.running;
  }

  create(key: string, obj: StoredObject): Promise<StoredObject> {
    return this.backend.create(key, obj);
  }

  /** Hands the backend the cached object, which saves etcd a read when the cache is current. */
  guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts: UpdateOptions = {}): Promise<StoredObject> {
    const cachedExisting = opts.cachedExisting ?? this.cache.get(key);
    return this.backend.guaranteedUpdate(key, tryUpdate, cachedExisting ? { ...opts, cachedExisting } : opts);
  }

  delete(key: string, opts?: { preconditions?: Preconditions; validateDeletion?: ValidateDeletion }): Promise<StoredObject> {
    return this.backend.delete(key, opts);
  }

  count(prefix: string): Promise<number> {
    return this.backend.count(prefix);
  }

  /**
   * How many objects the cache holds (in one namespace, if given), without
   * asking the backend: a cheap estimate for pricing a LIST. Undefined until
   * the cache has synced.
   */
  cachedCount(namespace?: string): number | undefined {
    return this.isReady ? this.cache.count(namespace) : undefined;
  }

  currentRevision(): Promise<number> {
    return this.backend.currentRevision();
  }

  async get(key: string, opts: CacherGetOptions = {}): Promise<StoredObject> {
    const { match, ...rest } = opts;
    if (!key.startsWith(this.prefixSlash)) return this.backend.get(key, rest);
    if (match === undefined && !rest.revision && this.backend.notifiesProgress) return this.consistentGet(key);
    if (match !== 'NotOlderThan') return this.backend.get(key, rest);
    if (await this.servableFromCache(rest.revision ?? 0, key)) return this.fromCache(key);
    // Not synced (starting or relisting): a consistent read is never older than asked.
    return this.backend.get(key);
  }

  async list(prefix: string, opts: CacherListOptions = {}): Promise<ListResult> {
    const { match, ...rest } = opts;
    const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
    if (rest.continue !== undefined || !dir.startsWith(this.prefixSlash)) return this.backend.list(prefix, rest);
    if (match === 'NotOlderThan') {
      if (await this.servableFromCache(rest.revision ?? 0, prefix)) return this.listFromCache(dir, rest);
      return this.backend.list(prefix, { ...rest, revision: undefined });
    }
    if (match === undefined && !rest.revision && !rest.limit && this.backend.notifiesProgress) return this.consistentList(prefix, dir, rest);
    return this.backend.list(prefix, rest);
  }
  watch(key: string, opts: CacherWatchOptions = {}): Watcher {
    const recursive = opts.recursive ?? false;
    const watchKey = recursive && !key.endsWith('/') ? `${key}/` : key;
    if (!watchKey.startsWith(this.prefixSlash)) {
      const { initialEvents: _ignored, ...rest } = opts;
      return this.backend.watch(key, rest);
    }
    const watcher = new CacheWatcher({
      key: watchKey,
      recursive,
      predicate: opts.predicate,
      bookmarks: opts.bookmarks ?? false,
      bufferSize: this.watcherBufferSize,
      onDone: (w) => this.forget(w),
    });
    this.attach(watcher, opts.revision ?? 0, opts.initialEvents ?? false).catch((err: unknown) => {
      watcher.fail(err instanceof Error ? err : new Error(String(err)), this.cache.revision);
    });
    return watcher;
  }

  /**
   * A consistent read (the latest state) served from the cache, as kube serves
   * consistent reads from it: the backend's current revision bounds every write
   * acknowledged before this read, so once the cache has reached it, the cache
   * answers. Otherwise (not synced, or not caught up in time) the backend does.
   * Only for a backend that notifies progress: without it, a quiet resource's
   * cache would never reach the revision that other resources' writes moved on.
   */
  private async consistentGet(key: string): Promise<StoredObject> {
    if (await this.caughtUp(key)) return this.fromCache(key);
    return this.backend.get(key);
  }

  /**
   * A consistent unpaged list from the cache, on the same terms as consistentGet
   * (kube's ConsistentListFromCache). A paged one stays with the backend, whose
   * continue tokens the later pages need, as kube's cache did before 1.31; and
   * so does one over a key the cache left out as too large, which the backend
   * reports in `tooLarge`.
   */
  private async consistentList(prefix: string, dir: string, opts: ListOptions): Promise<ListResult> {
    if ((await this.caughtUp(prefix)) && !this.holdsTooLargeUnder(dir)) return this.listFromCache(dir, opts);
    return this.backend.list(prefix, opts);
  }

  /** True once the cache reflects the backend's current revision (waiting for it, bounded); false if not synced or not in time. */
  private async caughtUp(key: string): Promise<boolean> {
    if (!this.isReady) return false;
    const current = await this.backend.currentRevision();
    const fresh =
      this.cache.revision >= current ||
      (await this.cache.waitUntilFresh(current, this.freshnessTimeoutMs, key).then(
        () => true,
        () => false,
      ));
    return fresh && this.isReady;
  }

  private holdsTooLargeUnder(dir: string): boolean {
    for (const key of this.tooLarge) if (key.startsWith(dir)) return true;
    return false;
  }

  /** Every cached object under `dir` that passes the predicate, in key order, at the cache's revision. */
  private listFromCache(dir: string, opts: ListOptions): ListResult {
    const pred = opts.predicate;
    const under = this.cache.listUnder(dir);
    const result: ListResult = { items: [], revision: this.cache.revision };
    if (pred === undefined) {
      // Copies of the shared arrays (cheap): the caller owns what it gets.
      result.items = under.objects.slice();
      if (opts.withKeys) result.keys = under.keys.slice();
      return result;
    }
    const keys: string[] | undefined = opts.withKeys ? [] : undefined;
    under.objects.forEach((obj, i) => {
      if (!pred(obj)) return;
      result.items.push(obj);
      keys?.push(under.keys[i] as string);
    });
    if (keys) result.keys = keys;
    return result;
  }

  /** The cached object; a key the cache left out as too large is the backend's to answer (CorruptObjError). */
  private fromCache(key: string): Promise<StoredObject> | StoredObject {
    const obj = this.cache.get(key);
    if (obj !== undefined) return obj;
    if (this.tooLarge.has(key)) return this.backend.get(key);
    throw new KeyNotFoundError(key, this.cache.revision);
  }

  /** Waits (bounded) until the cache is at `revision`; false if it is not synced, so the caller asks the backend. */
  private async servableFromCache(revision: number, key: string): Promise<boolean> {
    if (!this.isReady) return false;
    if (revision > 0) await this.cache.waitUntilFresh(revision, this.freshnessTimeoutMs, key);
    return this.isReady;
  }

  /**
   * Catches a new watcher up and registers it, all in one synchronous step once the
   * awaits are done, so no event can fall between its replay and its first live event.
   */
  private async attach(w: CacheWatcher, revision: number, initialEvents: boolean): Promise<void> {
    let from = revision;
    for (;;) {
      await this.whenReady();
      if (initialEvents) {
        if (revision > 0) await this.cache.waitUntilFresh(revision, this.freshnessTimeoutMs, w.key);
      } else if (revision === 0) {
        // "From now" means after the backend's current revision, which the cache may not have reached yet.
        from = await this.backend.currentRevision();
      }
      if (w.isClosed) return;
      if (this.isReady) break;
    }
    if (initialEvents) {
      const events: WatchEvent[] = [];
      for (const [key, obj] of this.cache.list((k) => w.matchesKey(k))) {
        if (w.selects(key, obj)) events.push(this.addedEventFor(obj));
      }
      w.startRevision = this.cache.revision;
      events.push(bookmarkEvent(this.cache.revision, { [INITIAL_EVENTS_END]: 'true' }));
      w.replay(events);
    } else {
      const past = this.cache.eventsAfter(from);
      if (past === undefined) {
        w.fail(new ExpiredError(w.key, from, this.cache.oldestRevision), this.cache.revision);
        return;
      }
      w.startRevision = from;
      const events: WatchEvent[] = [];
      for (const ce of past) {
        const ev = w.convert(ce);
        if (ev !== undefined) events.push(ev);
      }
      w.replay(events);
    }
    this.register(w);
  }

  private addedEventFor(obj: StoredObject): WatchEvent {
    let ev = this.initialAdded.get(obj);
    if (ev === undefined) {
      ev = { type: 'ADDED', object: obj, revision: Number(obj.metadata?.resourceVersion ?? 0) };
      this.initialAdded.set(obj, ev);
    }
    return ev;
  }

  private register(w: CacheWatcher): void {
    if (w.recursive) {
      this.recursiveWatchers.add(w);
      return;
    }
    let set = this.watchersByKey.get(w.key);
    if (set === undefined) {
      set = new Set();
      this.watchersByKey.set(w.key, set);
    }
    set.add(w);
  }

  private forget(w: CacheWatcher): void {
    if (w.recursive) {
      this.recursiveWatchers.delete(w);
      return;
    }
    const set = this.watchersByKey.get(w.key);
    if (set === undefined) return;
    set.delete(w);
    if (set.size === 0) this.watchersByKey.delete(w.key);
  }

  private *allWatchers(): Generator<CacheWatcher> {
    yield* this.recursiveWatchers;
    for (const set of this.watchersByKey.values()) yield* set;
  }

  /** The backend lost history the cache needed: every watcher must re-watch (and likely relist). */
  private expireWatchers(): void {
    this.setReady(false);
    const revision = this.cache.revision;
    for (const w of [...this.allWatchers()]) w.fail(new ExpiredError(w.key, revision, revision), revision);
  }

  private scheduleBookmarks(): void {
    this.cancelBookmarkTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.sendBookmarks();
      this.scheduleBookmarks();
    }, this.bookmarkIntervalMs);
  }

  private sendBookmarks(): void {
    if (!this.isReady) return;
    const revision = this.cache.revision;
    let event: WatchEvent | undefined;
    for (const w of [...this.allWatchers()]) {
      // Never a bookmark older than the revision the watcher started after.
      if (!w.bookmarks || revision < w.startRevision) continue;
      event ??= bookmarkEvent(revision);
      w.push(event);
    }
  }

  private whenReady(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    if (this.stopped) return Promise.reject(new UnavailableError('watch cache stopped'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private setReady(ready: boolean): void {
    if (this.stopped && ready) return;
    this.isReady = ready;
    if (!ready) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.resolve();
  }
}

function bookmarkEvent(revision: number, annotations?: Record<string, string>): WatchEvent {
  const metadata = annotations ? { resourceVersion: String(revision), annotations } : { resourceVersion: String(revision) };
  return { type: 'BOOKMARK', object: { metadata }, revision };
}
