import type { RequestHandler } from 'express';
import { newBadRequest } from '../../apimachinery/status-error.js';
import { setRequestInfo } from '../../endpoints/request/context.js';
import type { createRequestInfoResolver } from '../../endpoints/request/request-info.js';

/** Parses verb, group, version, namespace, resource... once, for every later filter and handler. */
export function withRequestInfo(resolve: ReturnType<typeof createRequestInfoResolver>): RequestHandler {
  return (req, _res, next) => {
    try {
      setRequestInfo(req, resolve(req.method, req.originalUrl));
    } catch (err) {
      // Only the request target fails to parse here (a bad % escape, a truncated watch path): Go's
      // server answers 400 to a bad escape before kube sees it, and the rest is the client's too.
      next(newBadRequest(`failed to create RequestInfo: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    next();
  };
}
