import type { StorageBackend } from './interfaces.js';

export interface CompactorOptions {
  backend: StorageBackend;
  intervalMs: number;
  onError: (err: unknown) => void;
}

/**
 * kube's etcd compactor: each tick compacts to the revision seen at the
 * previous tick, so at least one interval of history stays for watchers to
 * resume from. Replicas sharing one etcd may each do it: compacting at or below
 * an earlier compaction is a no-op for the backend. Returns a stop function.
 */
export function startCompactor(opts: CompactorOptions): () => void {
  if (opts.intervalMs <= 0) return () => undefined;
  let previous = 0;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      try {
        const current = await opts.backend.currentRevision();
        if (previous > 0) await opts.backend.compact(previous);
        previous = current;
      } catch (err) {
        opts.onError(err);
      } finally {
        running = false;
      }
    })();
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
