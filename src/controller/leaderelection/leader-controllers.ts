import { setMaxListeners } from 'node:events';
import { discardLogger, type Logger } from '../../observability/logger.js';

/** Starts a controller for one term; it must stop (and release what it holds) when the signal aborts. */
export type LeaderOnlyController = (signal: AbortSignal) => void | Promise<void>;

/**
 * The controllers that must act once per cluster (kube runs them in the one
 * elected kube-controller-manager): registered by the servers that own them
 * while the chain is built, started afresh for each term of leadership with
 * that term's signal, which aborts the moment the term ends. A controller
 * added during a term starts at once.
 */
export class LeaderControllers {
  private readonly controllers = new Map<string, LeaderOnlyController>();
  private term: AbortSignal | undefined;

  constructor(private readonly logger: Logger = discardLogger) {}

  add(name: string, start: LeaderOnlyController): void {
    if (this.controllers.has(name)) throw new Error(`leader-only controller ${name} is registered twice`);
    this.controllers.set(name, start);
    if (this.term && !this.term.aborted) this.launch(name, start, this.term);
  }

  names(): string[] {
    return [...this.controllers.keys()];
  }

  /** Starts every controller for a term (the elector's onStartedLeading), or for good when there is no election. */
  startAll(signal: AbortSignal): void {
    // Every controller of the term and its informers listen on this one signal: more than Node's warning threshold, by design.
    setMaxListeners(0, signal);
    this.term = signal;
    this.logger.info('starting leader-only controllers', { controllers: this.names() });
    for (const [name, start] of this.controllers) this.launch(name, start, signal);
  }

  private launch(name: string, start: LeaderOnlyController, signal: AbortSignal): void {
    void (async () => {
      try {
        await start(signal);
      } catch (err) {
        // The end of a term rejects the controllers' waits: not an error.
        if (signal.aborted) return;
        this.logger.error('leader-only controller stopped', { controller: name, err: err instanceof Error ? err.message : String(err) });
      }
    })();
  }
}

/**
 * Runs a leader-only controller from a post-start hook: registered with the
 * chain's LeaderControllers (started per term) when there is one, else run at
 * once on the hook's signal (a server built alone, without election).
 */
export function runLeaderOnly(controllers: LeaderControllers | undefined, name: string, hookSignal: AbortSignal, start: LeaderOnlyController, logger: Logger): void {
  if (controllers) {
    controllers.add(name, start);
    return;
  }
  void (async () => {
    try {
      await start(hookSignal);
    } catch (err) {
      if (!hookSignal.aborted) logger.error('controller stopped', { controller: name, err: err instanceof Error ? err.message : String(err) });
    }
  })();
}
