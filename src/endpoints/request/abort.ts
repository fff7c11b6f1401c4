import type { IncomingMessage } from 'node:http';

/**
 * A request's cancellation (kube's request context Done): aborted when the
 * request timeout fires or the client goes away, so handlers stop work that
 * nobody will read. The AbortController is made only when a handler asks for
 * the signal: most requests end before anyone does.
 */
export class RequestAbort {
  private controller: AbortController | undefined;
  private callbacks: (() => void)[] | undefined;
  private reason: unknown;
  private done = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.done) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.done;
  }

  /**
   * Calls `fn` once when the request is aborted (at once if it was): the
   * signal's 'abort' without an AbortController and an EventTarget, for a
   * handler on every request's path. Returns the call that forgets `fn`.
   */
  onAbort(fn: () => void): () => void {
    if (this.done) {
      fn();
      return () => undefined;
    }
    const callbacks = (this.callbacks ??= []);
    callbacks.push(fn);
    return () => {
      const i = callbacks.indexOf(fn);
      if (i >= 0) callbacks.splice(i, 1);
    };
  }

  abort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    for (const fn of callbacks ?? []) fn();
  }
}

const ABORT = Symbol('frontdoor.requestAbort');

interface WithAbort extends IncomingMessage {
  [ABORT]?: RequestAbort;
}

/** Gives the request its cancellation (the timeout filter does, once). */
export function attachRequestAbort(req: IncomingMessage): RequestAbort {
  return ((req as WithAbort)[ABORT] ??= new RequestAbort());
}

/** The request's cancellation itself (its onAbort is cheaper than the signal); undefined as requestSignalFrom's. */
export const requestAbortFrom = (req: IncomingMessage): RequestAbort | undefined => (req as WithAbort)[ABORT];

/** The request's signal; undefined when no filter set one up (a long-running request, or a test calling a handler directly). */
export const requestSignalFrom = (req: IncomingMessage): AbortSignal | undefined => (req as WithAbort)[ABORT]?.signal;
