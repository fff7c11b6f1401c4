/**
 * The controllers' only use of time: reading it, and one-shot timers (delayed
 * adds, rate-limited retries, relist backoff, resync). Injected so tests step a
 * FakeClock instead of sleeping.
 */
export interface Clock {
  /** Milliseconds; only differences matter. */
  now(): number;
  /** Runs fn once after ms; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/**
 * Real (monotonic) time. A pending timer keeps the process alive, as a running
 * controller should; shutting a queue down or aborting an informer cancels them.
 */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Time that moves only when a test says so. step(ms) fires, synchronously and
 * in time order, every timer that falls due, including timers set by those
 * timers within the step.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: FakeTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Advances time by ms, firing what falls due on the way. */
  step(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  /** How many timers are waiting: tests wait for one to appear before stepping. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Milliseconds until the earliest timer fires, or undefined when none waits. */
  nextTimerIn(): number | undefined {
    const next = this.earliest();
    return next === undefined ? undefined : next.at - this.current;
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Resolves after ms on `clock`, or at once when `signal` aborts (never rejects): a controller's wait between attempts. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = clock.setTimer(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
