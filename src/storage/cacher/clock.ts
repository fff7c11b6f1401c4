/**
 * The cacher's only use of time: one-shot timers (bookmark ticks, the bound on
 * waiting for freshness, backoff between relists). Injected so tests can fire
 * timers by hand instead of sleeping.
 */
export interface CacherClock {
  /** Runs fn once after ms; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** Real timers. A started cacher keeps the process alive until stop() cancels them. */
export const realClock: CacherClock = {
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
