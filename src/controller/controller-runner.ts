import type { Listener } from '../dynamiccertificates/interfaces.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { RateLimitingQueue, type RateLimitingWorkQueue } from './workqueue/rate-limiting-queue.js';

/**
 * Brings the state for one key to what it should be. Idempotent: it reads the
 * current state (from an informer's cache) rather than trusting why it was
 * called, treats a missing object as deleted, and throws to be retried.
 * The signal aborts when the runner stops; a long sync should give up then.
 */
export type SyncFunc<T> = (key: T, signal: AbortSignal) => Promise<void>;

export interface ControllerRunnerOptions<T> {
  /** Names the controller in logs. */
  name: string;
  sync: SyncFunc<T>;
  /** How many keys are synced at once (never the same key twice at once); default 1. */
  workers?: number;
  /** Default: a RateLimitingQueue with client-go's default controller rate limiter, on real time. */
  queue?: RateLimitingWorkQueue<T>;
  /**
   * Retries after the first failure before the key is dropped with a logged
   * error (until it is enqueued again); default 15. Infinity: never give up,
   * for controllers whose content must come right eventually.
   */
  maxRetries?: number;
  /** Default: a text logger on stderr, so that failures are never silent. */
  logger?: Logger;
  /** For a single-key controller: enqueue() with no argument adds this key. */
  key?: T;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * The in-process controller loop (client-go's workqueue example, and
 * dynamiccertificates' runner): Notifiers and informer handlers only
 * enqueue keys; `workers` loops each get a key, run sync(key), and mark it
 * done. On success the key's backoff is forgotten; on failure it is re-added
 * rate-limited, up to maxRetries, then dropped with an error log. Every
 * failure is logged. Start run() after the informers it reads have synced.
 */
export class ControllerRunner<T = string> implements Listener {
  readonly name: string;
  readonly queue: RateLimitingWorkQueue<T>;
  private readonly sync: SyncFunc<T>;
  private readonly workers: number;
  private readonly maxRetries: number;
  private readonly logger: Logger;
  private readonly key: T | undefined;
  private started = false;

  constructor(opts: ControllerRunnerOptions<T>) {
    this.name = opts.name;
    this.sync = opts.sync;
    this.workers = opts.workers ?? 1;
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new RangeError(`workers must be a positive integer, got ${this.workers}`);
    this.queue = opts.queue ?? new RateLimitingQueue<T>();
    this.maxRetries = opts.maxRetries ?? 15;
    this.logger = opts.logger ?? createLogger({ format: 'text', verbosity: 0 });
    this.key = opts.key;
  }

  /** Queues a key (deduplicated); with no argument, the runner's fixed key (the Listener seam). */
  enqueue(key?: T): void {
    const k = key ?? this.key;
    if (k === undefined) throw new TypeError(`controller ${this.name} has no fixed key: enqueue() needs one`);
    this.queue.add(k);
  }

  /** Runs the workers until the signal aborts; resolves once every in-flight sync has returned. Call once. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error(`controller ${this.name} was already run`);
    this.started = true;
    const stop = () => this.queue.shutDown();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    this.logger.v(1).info('starting controller', { controller: this.name, workers: this.workers });
    try {
      await Promise.all(Array.from({ length: this.workers }, () => this.worker(signal)));
    } finally {
      signal.removeEventListener('abort', stop);
      this.logger.v(1).info('controller stopped', { controller: this.name });
    }
  }

  /** Syncs a key now, outside the queue, and throws what sync throws (for tests and a first synchronous load). */
  async runOnce(key?: T): Promise<void> {
    const k = key ?? this.key;
    if (k === undefined) throw new TypeError(`controller ${this.name} has no fixed key: runOnce() needs one`);
    await this.sync(k, NEVER_ABORTED);
  }

  /** Processes one queued key as a worker would (retry, forget, logs); false when none is queued. For tests. */
  async processNextWorkItem(): Promise<boolean> {
    if (this.queue.len() === 0) return false;
    const next = await this.queue.get();
    if (next.shutdown) return false;
    await this.process(next.item, NEVER_ABORTED);
    return true;
  }

  private async worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const next = await this.queue.get();
      if (next.shutdown) return;
      if (signal.aborted) {
        // Stopping: keys still queued are handed out by the queue; drop them unsynced.
        this.queue.done(next.item);
        continue;
      }
      await this.process(next.item, signal);
    }
  }

  private async process(key: T, signal: AbortSignal): Promise<void> {
    try {
      await this.sync(key, signal);
      this.queue.forget(key);
    } catch (err) {
      this.handleError(key, err);
    } finally {
      this.queue.done(key);
    }
  }

  private handleError(key: T, err: unknown): void {
    const retries = this.queue.numRequeues(key);
    const fields = { controller: this.name, key: String(key), err: err instanceof Error ? err.message : String(err) };
    if (retries < this.maxRetries) {
      this.logger.error('sync failed; retrying with backoff', { ...fields, retry: retries + 1 });
      this.queue.addRateLimited(key);
      return;
    }
    this.logger.error('sync failed too many times; dropping the key until it is enqueued again', { ...fields, retries });
    this.queue.forget(key);
  }
}
