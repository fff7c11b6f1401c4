import type { RequestHandler } from 'express';
import { newInternalError } from '../../apimachinery/status-error.js';
import { setRequestInfo } from '../../endpoints/request/context.js';
import type { createRequestInfoResolver } from '../../endpoints/request/request-info.js';

/** Parses verb, group, version, namespace, resource... once, for every later filter and handler. */
export function withRequestInfo(resolve: ReturnType<typeof createRequestInfoResolver>): RequestHandler {
  return (req, _res, next) => {
    try {
      setRequestInfo(req, resolve(req.method, req.originalUrl));
    } catch (err) {
      next(newInternalError(`failed to create RequestInfo: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    next();
  };
}
