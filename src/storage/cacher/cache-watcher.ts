import type { Predicate, WatchEvent, Watcher } from '../interfaces.js';
import { WatchChannel } from '../watch-channel.js';
import type { CacheEvent } from './cache-event.js';

export interface CacheWatcherOptions {
  /** A single key, or with `recursive` a prefix ending in "/". */
  key: string;
  recursive: boolean;
  predicate?: Predicate;
  bookmarks: boolean;
  /** How many live events may wait unread before the watcher is closed. */
  bufferSize: number;
  /** Called once when the watcher ends for any reason, so the cacher forgets it. */
  onDone(watcher: CacheWatcher): void;
}

/**
 * One client's watch, fed by the cacher. Events it must catch up on (the window
 * replay, or the initial state) are references to objects the cache already
 * holds, so they wait in an unbounded `pending` list; live events go through a
 * bounded WatchChannel, and a watcher that lets that fill up is closed: it
 * re-watches from the last revision it saw, and nobody else slows down.
 */
export class CacheWatcher implements Watcher {
  /** Only events newer than this are delivered. Set when the watcher is attached. */
  startRevision = 0;
  readonly key: string;
  readonly recursive: boolean;
  readonly bookmarks: boolean;
  private readonly predicate: Predicate | undefined;
  private readonly channel: WatchChannel;
  private pending: WatchEvent[] = [];
  private pendingIndex = 0;
  private done = false;
  /** Settles once the catch-up events are queued (or the watcher ended): reads wait for it. */
  private readonly attached: Promise<void>;
  private markAttached: () => void = () => {};

  constructor(private readonly opts: CacheWatcherOptions) {
    this.key = opts.key;
    this.recursive = opts.recursive;
    this.predicate = opts.predicate;
    this.bookmarks = opts.bookmarks;
    this.channel = new WatchChannel({ limit: opts.bufferSize, onStop: () => this.finish() });
    this.attached = new Promise((resolve) => (this.markAttached = resolve));
  }

  get isClosed(): boolean {
    return this.channel.isClosed;
  }

  matchesKey(key: string): boolean {
    return this.recursive ? key.startsWith(this.key) : key === this.key;
  }

  /**
   * What this watcher should see of a change, or undefined. With a predicate an
   * object entering the selection arrives as ADDED and one leaving it as DELETED,
   * as kube's cacheWatcher does. The returned instance is shared with every other
   * watcher that sees the same thing.
   */
  convert(ce: CacheEvent): WatchEvent | undefined {
    if (ce.revision <= this.startRevision || !this.matchesKey(ce.key)) return undefined;
    const pred = this.predicate;
    if (pred === undefined) return ce.event;
    const prevMatches = ce.prevObject !== undefined && pred(ce.prevObject);
    if (ce.type === 'DELETED') return prevMatches ? ce.event : undefined;
    const curMatches = pred(ce.object);
    if (curMatches && prevMatches) return ce.event;
    if (curMatches) return ce.type === 'ADDED' ? ce.event : ce.asAdded;
    if (prevMatches) return ce.asDeleted;
    return undefined;
  }

  /** Whether the object is in this watcher's selection (for initial events). */
  selects(key: string, obj: Parameters<Predicate>[0]): boolean {
    return this.matchesKey(key) && (this.predicate === undefined || this.predicate(obj));
  }

  /** Queues the catch-up events ahead of anything live (not bounded by bufferSize); call once, when attaching. */
  replay(events: WatchEvent[]): void {
    if (!this.channel.isClosed) this.pending = events;
    this.markAttached();
  }

  /** Delivers a live change; false once the watcher is closed (stopped, or too slow). */
  deliver(ce: CacheEvent): boolean {
    const event = this.convert(ce);
    if (event === undefined) return !this.channel.isClosed;
    return this.push(event);
  }

  push(event: WatchEvent): boolean {
    const ok = this.channel.push(event);
    if (!ok) this.finish();
    return ok;
  }

  /** Ends the stream with one ERROR event (ExpiredError: the client must relist or re-watch). */
  fail(error: Error, revision: number): void {
    this.channel.push({ type: 'ERROR', object: {}, revision, error });
    this.close();
  }

  /** Ends the stream after what is already queued. */
  close(): void {
    this.channel.close();
    this.markAttached();
    this.finish();
  }

  stop(): void {
    this.pending = [];
    this.pendingIndex = 0;
    this.channel.stop();
    this.markAttached();
    this.finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    const live = this.channel[Symbol.asyncIterator]();
    let ready = false;
    const next = (): Promise<IteratorResult<WatchEvent>> => {
      if (!ready) {
        return this.attached.then(() => {
          ready = true;
          return next();
        });
      }
      if (this.pendingIndex < this.pending.length) {
        const value = this.pending[this.pendingIndex++] as WatchEvent;
        if (this.pendingIndex === this.pending.length) {
          this.pending = [];
          this.pendingIndex = 0;
        }
        return Promise.resolve({ value, done: false });
      }
      return live.next();
    };
    return {
      next,
      return: () => {
        this.stop();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.opts.onDone(this);
  }
}
