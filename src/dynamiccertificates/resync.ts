import type { Clock } from '../controller/clock.js';

/** kube's FileRefreshDuration and the TLS config's resync: once a minute. */
export const DEFAULT_RESYNC_MS = 60_000;

/** Calls fn every `ms` on the clock until the signal aborts (first call after one interval). */
export function every(clock: Clock, ms: number, signal: AbortSignal, fn: () => void): void {
  if (signal.aborted) return;
  let cancel: () => void = () => undefined;
  const schedule = () => {
    cancel = clock.setTimer(ms, () => {
      if (signal.aborted) return;
      fn();
      schedule();
    });
  };
  signal.addEventListener('abort', () => cancel(), { once: true });
  schedule();
}
