import type { RequestHandler } from 'express';
import { newServiceUnavailable } from '../../apimachinery/status-error.js';
import type { Lifecycle } from '../lifecycle.js';

/**
 * Counts requests in flight so shutdown can wait for them, and refuses new
 * ones with 503 and Retry-After once draining began (kube's WithWaitGroup and
 * WithRetryAfter). `Connection: close` moves keep-alive clients to a live replica.
 */
export function withDrain(lifecycle: Lifecycle, retryAfterSeconds = 5): RequestHandler {
  return (_req, res, next) => {
    if (lifecycle.draining.signaled) {
      res.setHeader('Connection', 'close');
      next(newServiceUnavailable('The apiserver is shutting down, please try again later.', retryAfterSeconds));
      return;
    }
    // A response always ends with 'close' (after 'finish', or when the client left first).
    res.once('close', lifecycle.track());
    next();
  };
}
