import type { IncomingMessage } from 'node:http';

/**
 * A request's cancellation (kube's request context Done): aborted when the
 * request timeout fires or the client goes away, so handlers stop work that
 * nobody will read. The AbortController is made only when a handler asks for
 * the signal: most requests end before anyone does.
 */
export class RequestAbort {
  private controller: AbortController | undefined;
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

  abort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.reason = reason;
    this.controller?.abort(reason);
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

/** The request's signal; undefined when no filter set one up (a long-running request, or a test calling a handler directly). */
export const requestSignalFrom = (req: IncomingMessage): AbortSignal | undefined => (req as WithAbort)[ABORT]?.signal;
