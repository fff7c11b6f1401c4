import { realClock, type Clock } from '../clock.js';
import { DelayingQueue, type DelayingWorkQueue } from './delaying-queue.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.js';

/**
 * A delaying queue whose retries wait as a RateLimiter says (client-go's
 * TypedRateLimitingInterface). A worker calls addRateLimited(item) when a sync
 * failed and forget(item) when it succeeded (or when it gives up), so the
 * item's backoff starts afresh next time. forget() does not remove the item
 * from the queue: it only clears the limiter's memory of it.
 */
export interface RateLimitingWorkQueue<T> extends DelayingWorkQueue<T> {
  addRateLimited(item: T): void;
  forget(item: T): void;
  numRequeues(item: T): number;
}

export interface RateLimitingQueueOptions<T> {
  clock?: Clock;
  /** Defaults to defaultControllerRateLimiter on the same clock. */
  rateLimiter?: RateLimiter<T>;
}

export class RateLimitingQueue<T> extends DelayingQueue<T> implements RateLimitingWorkQueue<T> {
  private readonly rateLimiter: RateLimiter<T>;

  constructor(opts: RateLimitingQueueOptions<T> = {}) {
    const clock = opts.clock ?? realClock;
    super({ clock });
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(clock);
  }

  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }
}
