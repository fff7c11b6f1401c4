import { realClock, type Clock } from '../clock.js';

/**
 * How long an item waits before its next try (client-go's default_rate_limiters).
 * when() is called once per retry and counts it; forget() is called when the
 * item succeeded, so its next failure starts the backoff afresh.
 */
export interface RateLimiter<T> {
  /** Milliseconds to wait before the item's next try; records one more requeue. */
  when(item: T): number;
  /** Stops tracking the item (it succeeded, or was given up on). */
  forget(item: T): void;
  /** How many times when() was called for the item since it was last forgotten. */
  numRequeues(item: T): number;
}

/** Per item: base * 2^failures, capped at max (5 ms doubling to 1000 s, as client-go's default). */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1000_000,
  ) {}

  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    // 2^exp overflows to Infinity long after it passes any sane max; min() handles both.
    return Math.min(this.baseMs * 2 ** exp, this.maxMs);
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * Overall: a token bucket of `burst` tokens refilled at `qps` per second
 * (10 qps, burst 100, as client-go's default). Each when() takes a token; when
 * the bucket is empty it reserves a future one and returns the wait for it, so
 * a storm of failures across many items is spread out. It tracks no item.
 */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps = 10,
    private readonly burst = 100,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_item: T): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  forget(_item: T): void {}

  numRequeues(_item: T): number {
    return 0;
  }
}

/** The longest wait any of its limiters asks for; counts are the largest count. */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }

  when(item: T): number {
    // Every limiter must see the call (each counts it), so no short-circuit.
    return this.limiters.reduce((max, l) => Math.max(max, l.when(item)), 0);
  }

  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: T): number {
    return this.limiters.reduce((max, l) => Math.max(max, l.numRequeues(item)), 0);
  }
}

/** client-go's DefaultControllerRateLimiter: per-item exponential (5 ms .. 1000 s) and overall 10 qps, burst 100. */
export function defaultControllerRateLimiter<T>(clock: Clock = realClock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(
    new ItemExponentialFailureRateLimiter<T>(5, 1000_000),
    new BucketRateLimiter<T>(10, 100, clock),
  );
}
