import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { failureStatus } from '../../apimachinery/status.js';
import { newBadRequest, newInternalError } from '../../apimachinery/status-error.js';
import { attachRequestAbort } from '../../endpoints/request/abort.js';
import { requestInfoFrom } from '../../endpoints/request/context.js';
import { setLongTimeout } from '../../endpoints/request/long-timeout.js';
import { writeStatus } from '../../endpoints/responsewriters/status.js';
import { parseGoDuration } from './go-duration.js';
import { isLongRunning, type LongRunningRequestCheck } from './long-running.js';

export interface RequestTimeoutOptions {
  /** --request-timeout: the longest a non-long-running request may take; 0: no limit. */
  requestTimeoutMs: number;
  /** Requests never timed out; default kube's (watch, proxy, exec...). */
  longRunning?: LongRunningRequestCheck;
}

/** kube's text (its handlers' finisher, which a deadline usually reaches first). */
const TIMEOUT_MESSAGE = 'Timeout: request did not complete within requested timeout - context deadline exceeded';
/** kube's NewTimeoutError(message, 0): its details pointer is set, with nothing in it. */
const TIMEOUT_STATUS = () => failureStatus(504, 'Timeout', TIMEOUT_MESSAGE, {});

const CANCEL = Symbol('frontdoor.requestTimeoutCancel');

interface WithTimeoutCancel extends IncomingMessage {
  [CANCEL]?: () => void;
}

/**
 * Says that this request's answer is a stream (a proxied watch, a chunked
 * response of unknown length) that may outlive --request-timeout: its timer
 * is cancelled, so the answer is not cut. The client leaving still aborts
 * the request's signal. A no-op when no timer runs (long-running requests,
 * no timeout configured, or a handler called without this filter).
 */
export function cancelRequestTimeout(req: IncomingMessage): void {
  const cancel = (req as WithTimeoutCancel)[CANCEL];
  (req as WithTimeoutCancel)[CANCEL] = undefined;
  cancel?.();
}

/**
 * kube's WithRequestDeadline and WithTimeoutForNonLongRunningRequests in one:
 * a request that has not answered within --request-timeout (or its shorter
 * `timeout` query parameter, a Go duration) gets 504, and its handler's
 * signal (requestSignalFrom) is aborted then or when the client goes away, so
 * work stops where that is cheap. A handler answering later writes nothing
 * (the response writers check headersSent). If part of an answer is already
 * on the wire, the connection is cut, as kube's ErrAbortHandler does.
 */
export function withRequestTimeout(opts: RequestTimeoutOptions): RequestHandler {
  const longRunning = opts.longRunning ?? isLongRunning;
  return (req, res, next) => {
    const info = requestInfoFrom(req);
    if (!info) {
      next(newInternalError('no request info found for request during timeout'));
      return;
    }
    if (longRunning(info)) {
      next();
      return;
    }
    let timeoutMs = opts.requestTimeoutMs;
    const asked = timeoutParam(req.url);
    if (asked instanceof Error) {
      next(newBadRequest(`invalid timeout specified in the request URL - ${asked.message}`));
      return;
    }
    // kube: 0 or more than the maximum means the maximum.
    if (asked !== undefined && asked > 0 && asked < timeoutMs) timeoutMs = asked;

    const abort = attachRequestAbort(req);
    const cancel =
      timeoutMs > 0
        ? setLongTimeout(() => {
            abort.abort(new Error('request timed out'));
            if (res.writableEnded) return;
            if (res.headersSent) res.destroy();
            else writeStatus(res, TIMEOUT_STATUS());
          }, timeoutMs)
        : undefined;
    if (cancel) (req as WithTimeoutCancel)[CANCEL] = cancel;
    res.once('close', () => {
      cancel?.();
      // Before 'finish' means the client left: nobody reads what the handler would still make.
      if (!res.writableFinished) abort.abort(new Error('client closed the connection'));
    });
    next();
  };
}

/** The `timeout` parameter in milliseconds, undefined when absent, an Error when it is no Go duration. */
function timeoutParam(url: string | undefined): number | undefined | Error {
  if (!url || !url.includes('timeout=')) return undefined;
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const value = new URLSearchParams(url.slice(q + 1)).get('timeout');
  if (value === null || value === '') return undefined;
  try {
    return parseGoDuration(value);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
