import { ListenerSet, type Listener, type Notifier } from '../dynamiccertificates/interfaces.js';
import { discardLogger, type Logger } from '../observability/logger.js';
import { describeError, isExpired } from '../storage/errors.js';
import type { Storage, StoredObject, Watcher } from '../storage/interfaces.js';
import { realClock, sleep, type Clock } from './clock.js';
import { Indexer, metaNamespaceKey, NAMESPACE_INDEX, namespaceIndexFunc, type IndexerReader, type IndexFunc, type KeyFunc } from './indexer.js';

/**
 * What an informer tells its handlers. Handlers run synchronously on the
 * informer's loop, after the cache already holds the change: they must be fast,
 * must not mutate the objects (the cache's own), and should do no more than
 * enqueue a key; the controller's sync then reads the cache. A handler that
 * throws is logged and does not stop the informer or the other handlers.
 */
export interface ResourceEventHandler<T> {
  /** isInInitialList: the object came with the first list (or was replayed to a late handler). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** Also called with (obj, obj) for every object on each periodic resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /**
   * obj is the last state: from the watch, or, when the delete was only noticed
   * on a relist (finalStateUnknown), the last state the cache held, which may be
   * older than the object's true final state (client-go's DeletedFinalStateUnknown).
   */
  onDelete?(obj: T, finalStateUnknown: boolean): void;
}

export interface InformerOptions<T> {
  storage: Storage;
  /** The resource's key prefix in storage, e.g. "/namespaces"; everything under it is watched. */
  prefix: string;
  /** The cache key; default "namespace/name", or "name" for cluster-scoped objects. */
  keyOf?: KeyFunc<T>;
  /** Named secondary indices; a "namespace" index is always present. */
  indexers?: Record<string, IndexFunc<T>>;
  /** Every this often, onUpdate(obj, obj) for every cached object; 0 or absent: never. */
  resyncMs?: number;
  /** Page size for lists (kube pages its lists too); default 500. */
  pageSize?: number;
  clock?: Clock;
  logger?: Logger;
}

const INITIAL_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

type WatchOutcome = { kind: 'ended'; events: number } | { kind: 'expired' } | { kind: 'failed'; error: Error };

/**
 * client-go's shared informer, in process and over the Storage seam: it lists
 * the prefix (paged, one consistent revision), replaces its cache with the
 * result, then watches from that revision and applies each event to the
 * cache before telling the handlers.
 *
 * Consistency: the cache always holds the state at one revision (the last
 * event applied); handlers see every change in revision order, except across
 * a relist, where changes are summarised per key as client-go's Replace does
 * (new key: onAdd; changed resourceVersion: onUpdate; gone: onDelete with
 * finalStateUnknown).
 *
 * Recovery: a watch that just ends is reopened from the last revision seen,
 * with no gap (the Storage contract). A watch that ends with an Expired ERROR
 * (that revision was compacted) relists at once; any other failure relists
 * after an exponential backoff. The informer never gives up until its signal
 * aborts.
 *
 * An Informer is also a Notifier: a Listener added to it is enqueue()d on
 * every change, which suits a single-key ControllerRunner.
 */
export class Informer<T extends StoredObject = StoredObject> implements Notifier {
  readonly indexer: IndexerReader<T>;
  private readonly cache: Indexer<T>;
  private readonly storage: Storage;
  private readonly prefix: string;
  private readonly keyOf: KeyFunc<T>;
  private readonly resyncMs: number;
  private readonly pageSize: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private handlers: ResourceEventHandler<T>[] = [];
  private readonly listeners = new ListenerSet();
  private syncWaiters: (() => void)[] = [];
  private synced = false;
  private running = false;
  private revision = 0;
  private cancelResync: (() => void) | undefined;

  constructor(opts: InformerOptions<T>) {
    this.storage = opts.storage;
    // A prefix is a directory: "/namespaces" must not also match "/namespacesfoo".
    this.prefix = opts.prefix.endsWith('/') ? opts.prefix : `${opts.prefix}/`;
    this.keyOf = opts.keyOf ?? metaNamespaceKey;
    this.resyncMs = opts.resyncMs ?? 0;
    this.pageSize = opts.pageSize ?? 500;
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? discardLogger;
    this.cache = new Indexer<T>({ [NAMESPACE_INDEX]: namespaceIndexFunc, ...opts.indexers });
    this.indexer = this.cache;
  }

  /**
   * Adds a handler; one added after the cache is filled first gets onAdd for
   * every cached object. Returns its removal (a controller that runs only for
   * a while, such as a leader's, takes its handler off the shared informer).
   */
  addEventHandler(handler: ResourceEventHandler<T>): () => void {
    this.handlers.push(handler);
    for (const obj of this.cache.list()) this.guard('onAdd', () => handler.onAdd?.(obj, true));
    // A new array: a dispatch under way (which may be what removes it) keeps iterating the old one.
    return () => {
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  }

  addListener(listener: Listener): void {
    this.listeners.addListener(listener);
  }

  /** True once the first list has been applied to the cache and its handlers told. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced; rejects with the signal's reason if it aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        reject(signal!.reason);
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(done);
    });
  }

  /** The revision of the last list or event applied: client-go's LastSyncResourceVersion. */
  lastSyncRevision(): number {
    return this.revision;
  }

  /** Lists and watches until the signal aborts; resolves then. Call once. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`informer for ${this.prefix} is already running`);
    this.running = true;
    let failures = 0;
    try {
      while (!signal.aborted) {
        try {
          await this.listAndWatch(signal);
          failures = 0;
        } catch (err) {
          if (signal.aborted) break;
          failures++;
          const backoffMs = backoff(failures);
          this.logger.warn('informer list/watch failed; relisting after backoff', {
            prefix: this.prefix,
            // The cause too: "storage is unavailable" alone does not say why.
            err: describeError(err),
            backoffMs,
          });
          await sleep(this.clock, backoffMs, signal);
        }
      }
    } finally {
      this.cancelResync?.();
      this.cancelResync = undefined;
    }
  }

  /** Returns when a relist is wanted (or on abort); throws for a failure that wants backoff first. */
  private async listAndWatch(signal: AbortSignal): Promise<void> {
    const { items, revision } = await this.listAll(signal);
    if (signal.aborted) return;
    this.replace(items, revision);
    let emptyEnds = 0;
    while (!signal.aborted) {
      const watcher = this.storage.watch(this.prefix, { revision: this.revision, recursive: true });
      const outcome = await this.consume(watcher, signal);
      if (signal.aborted) return;
      if (outcome.kind === 'expired') {
        this.logger.v(2).info('informer watch expired; relisting', { prefix: this.prefix, revision: this.revision });
        return;
      }
      if (outcome.kind === 'failed') throw outcome.error;
      // A watch that ended cleanly resumes from the last revision at once; one that keeps
      // ending without delivering anything (a closing backend) is retried with backoff.
      emptyEnds = outcome.events > 0 ? 0 : emptyEnds + 1;
      if (emptyEnds > 1) await sleep(this.clock, backoff(emptyEnds - 1), signal);
    }
  }

  /** Every object under the prefix, paged, all at the first page's revision. */
  private async listAll(signal: AbortSignal): Promise<{ items: StoredObject[]; revision: number }> {
    const items: StoredObject[] = [];
    let page = await this.storage.list(this.prefix, { limit: this.pageSize });
    items.push(...page.items);
    while (page.continue && !signal.aborted) {
      page = await this.storage.list(this.prefix, { limit: this.pageSize, continue: page.continue });
      items.push(...page.items);
    }
    return { items, revision: page.revision };
  }

  /** client-go's Replace: make the cache equal the list, telling handlers what changed. */
  private replace(items: StoredObject[], revision: number): void {
    const initial = !this.synced;
    const fresh = new Map<string, T>();
    for (const item of items) {
      const obj = item as T;
      fresh.set(this.keyOf(obj), obj);
    }
    for (const key of this.cache.listKeys()) {
      if (fresh.has(key)) continue;
      const old = this.cache.delete(key)!;
      this.dispatch('onDelete', (h) => h.onDelete?.(old, true));
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.set(key, obj);
      if (old === undefined) this.dispatch('onAdd', (h) => h.onAdd?.(obj, initial));
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.dispatch('onUpdate', (h) => h.onUpdate?.(old, obj));
    }
    this.revision = revision;
    if (initial) this.markSynced();
  }

  private async consume(watcher: Watcher, signal: AbortSignal): Promise<WatchOutcome> {
    const stop = () => watcher.stop();
    signal.addEventListener('abort', stop, { once: true });
    let events = 0;
    try {
      for await (const event of watcher) {
        if (event.type === 'ERROR') {
          const error = event.error ?? new Error('watch failed with an ERROR event');
          return isExpired(error) ? { kind: 'expired' } : { kind: 'failed', error };
        }
        events++;
        this.apply(event.type, event.object as T);
        this.revision = event.revision;
      }
      return { kind: 'ended', events };
    } catch (err) {
      return isExpired(err) ? { kind: 'expired' } : { kind: 'failed', error: asError(err) };
    } finally {
      signal.removeEventListener('abort', stop);
      watcher.stop();
    }
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', obj: T): void {
    if (type === 'BOOKMARK') return;
    const key = this.keyOf(obj);
    if (type === 'DELETED') {
      this.cache.delete(key);
      this.dispatch('onDelete', (h) => h.onDelete?.(obj, false));
      return;
    }
    const old = this.cache.set(key, obj);
    if (old === undefined) this.dispatch('onAdd', (h) => h.onAdd?.(obj, false));
    else this.dispatch('onUpdate', (h) => h.onUpdate?.(old, obj));
  }

  private markSynced(): void {
    this.synced = true;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const resolve of waiters) resolve();
    this.scheduleResync();
  }

  private scheduleResync(): void {
    if (this.resyncMs <= 0) return;
    this.cancelResync = this.clock.setTimer(this.resyncMs, () => {
      for (const obj of this.cache.list()) this.dispatch('onUpdate', (h) => h.onUpdate?.(obj, obj));
      this.scheduleResync();
    });
  }

  private dispatch(what: keyof ResourceEventHandler<T>, fn: (h: ResourceEventHandler<T>) => void): void {
    for (const handler of this.handlers) this.guard(what, () => fn(handler));
    this.guard('listener', () => this.listeners.notify());
  }

  /** Runs one handler call; a throw is logged, so one bad handler cannot stop the informer. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error('informer event handler failed', { prefix: this.prefix, handler: what, err: errorMessage(err) });
    }
  }

}

function backoff(failures: number): number {
  return Math.min(INITIAL_BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
