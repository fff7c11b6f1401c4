import type { Storage, StoredObject, Watcher } from '../interfaces.js';
import { describeError, isExpired } from '../errors.js';
import type { StorageLogger } from '../logger.js';
import type { CacheEvent } from './cache-event.js';
import type { CacherClock } from './clock.js';
import type { WatchCache } from './watch-cache.js';

export interface ReflectorOptions {
  backend: Storage;
  /** The resource prefix, ending in "/". */
  prefix: string;
  /** An object's key, for a backend whose lists and events do not carry keys (WatchEvent.key). */
  keyFunc(obj: StoredObject): string;
  cache: WatchCache;
  clock: CacherClock;
  /** The cache holds a fresh list and a backend watch is open from its revision. */
  onSynced(): void;
  /** A change was applied to the cache; fan it out. */
  onDispatch(event: CacheEvent): void;
  /** The cache can no longer continue its history (it will relist): its watchers must be ended. */
  onLost(): void;
  /** After each list: the keys left out because their values are too large to decode. */
  onTooLarge(keys: readonly string[]): void;
  /** Failed lists and watches are retried; each failure is reported here first. */
  logger: StorageLogger;
}

type WatchOutcome = 'expired' | 'closed' | 'stopped';

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * The cache's list+watch loop (client-go's reflector, for one backend). It lists
 * the prefix, then keeps ONE backend watch open from the cache's revision. A watch
 * that just closes (a restart, a network error) is reopened from the cache's
 * revision with no gap; one that ends with ExpiredError (the backend compacted
 * past the cache) forces a relist, and only then are the cache's watchers ended.
 */
export class Reflector {
  private stopped = false;
  private watch: Watcher | undefined;
  private cancelSleep: (() => void) | undefined;

  constructor(private readonly opts: ReflectorOptions) {}

  async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.listAndWatch();
        failures = 0;
      } catch (err) {
        // The backend is unreachable or refused: retry with backoff; readers fall back to the backend meanwhile.
        failures++;
        const backoffMs = backoff(failures);
        if (worthLogging(failures)) {
          this.opts.logger.warn('watch cache list failed; retrying', { prefix: this.opts.prefix, err: describeError(err), failures, backoffMs });
        }
        await this.sleep(backoffMs);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelSleep?.();
    this.watch?.stop();
  }

  /** Returns when a relist is needed (or on stop); throws when the backend fails. */
  private async listAndWatch(): Promise<void> {
    const { backend, prefix, keyFunc, cache } = this.opts;
    const list = await backend.list(prefix, { withKeys: true });
    if (this.stopped) return;
    // The backend's keys when it gives them: an object's metadata need not spell the key it is stored at.
    cache.replace(
      list.items.map((obj, i): [string, StoredObject] => [list.keys?.[i] ?? keyFunc(obj), obj]),
      list.revision,
    );
    this.opts.onTooLarge(list.tooLarge ?? []);
    let watch = await this.openWatch();
    if (watch === undefined) return;
    this.opts.onSynced();
    let failures = 0;
    for (;;) {
      const { outcome, delivered, error } = await this.consume(watch);
      if (outcome === 'stopped' || this.stopped) return;
      if (outcome === 'expired') {
        this.opts.onLost();
        return;
      }
      failures = delivered ? 1 : failures + 1;
      if (error !== undefined && worthLogging(failures)) {
        this.opts.logger.warn('watch cache watch failed; re-watching', { prefix: this.opts.prefix, revision: cache.revision, err: describeError(error), failures });
      }
      await this.sleep(backoff(failures));
      if (this.stopped) return;
      watch = await this.openWatch();
      if (watch === undefined) {
        this.opts.onLost();
        return;
      }
    }
  }

  /**
   * Opens the backend watch after the cache's revision. Revision 0 (an empty, fresh
   * backend) would mean "from now", which could skip a write made since the list:
   * then, if anything was written meanwhile, undefined asks for a relist.
   */
  private async openWatch(): Promise<Watcher | undefined> {
    const { backend, prefix, cache } = this.opts;
    const revision = cache.revision;
    const watch = backend.watch(prefix, { revision, recursive: true, bookmarks: true });
    this.watch = watch;
    if (this.stopped) {
      watch.stop();
      return undefined;
    }
    if (revision === 0 && (await backend.currentRevision()) > 0) {
      watch.stop();
      return undefined;
    }
    return watch;
  }

  private async consume(watch: Watcher): Promise<{ outcome: WatchOutcome; delivered: boolean; error?: Error }> {
    const { cache, keyFunc } = this.opts;
    let delivered = false;
    for await (const ev of watch) {
      if (this.stopped) return { outcome: 'stopped', delivered };
      switch (ev.type) {
        case 'ERROR':
          watch.stop();
          if (isExpired(ev.error)) return { outcome: 'expired', delivered };
          return { outcome: 'closed', delivered, error: ev.error };
        case 'BOOKMARK':
          cache.advance(ev.revision);
          break;
        default:
          // A backend never sends history older than asked for; guard against replays after a reconnect.
          if (ev.revision < cache.revision) break;
          this.opts.onDispatch(cache.apply(ev.type, ev.key ?? keyFunc(ev.object), ev.object, ev.revision));
          delivered = true;
      }
    }
    return { outcome: this.stopped ? 'stopped' : 'closed', delivered };
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.opts.clock.setTimeout(() => {
        this.cancelSleep = undefined;
        resolve();
      }, ms);
      this.cancelSleep = () => {
        cancel();
        resolve();
      };
    });
  }
}

/** The first failure in a row and every tenth after it: an outage is reported, and then roughly once a minute. */
function worthLogging(failures: number): boolean {
  return failures === 1 || failures % 10 === 0;
}

function backoff(failures: number): number {
  return Math.min(MIN_BACKOFF_MS * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
}
