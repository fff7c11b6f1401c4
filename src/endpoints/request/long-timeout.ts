/**
 * Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer delay is
 * silently taken as 1 ms. A watch's timeoutSeconds or a request timeout may be
 * far longer, so the wait is split into steps that each fit.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls fn once after `ms` (any finite size; Infinity never fires). Returns the cancel function. */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  if (!(ms < Infinity)) return () => undefined;
  const due = Date.now() + Math.max(0, ms);
  let timer: NodeJS.Timeout;
  const arm = (left: number) => {
    timer = setTimeout(() => {
      const rest = due - Date.now();
      if (rest > 0) arm(rest);
      else fn();
    }, Math.min(left, MAX_TIMER_MS));
  };
  arm(Math.max(0, ms));
  return () => clearTimeout(timer);
}
