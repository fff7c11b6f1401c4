import type { ErrorRequestHandler } from 'express';
import { failureStatus } from '../../apimachinery/status.js';
import { auditPanic } from '../../audit/context.js';
import { auditIDFrom } from '../../endpoints/request/context.js';
import { errorToAPIStatus, writeStatus } from '../../endpoints/responsewriters/status.js';
import type { Logger } from '../../observability/logger.js';

/**
 * The outermost catch: every error a handler throws (or rejects with) leaves
 * here as a Status. Express only calls error handlers registered after the
 * routes, so this is installed last although it guards the whole chain.
 * A StatusError is an answer; anything else is a bug, logged with its stack.
 */
export function withPanicRecovery(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const { status, isBug } = errorToAPIStatus(err);
    if (isBug) {
      auditPanic(req, err);
      logger.error('request handler failed', {
        method: req.method,
        path: req.path,
        auditID: auditIDFrom(req),
        err: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
    // The whole answer already went out (a 504 from the timeout filter while the handler worked): nothing to cut.
    if (res.writableEnded) return;
    if (res.headersSent) {
      // Part of the answer is already on the wire: the only honest end is to cut it.
      res.destroy();
      return;
    }
    writeStatus(
      res,
      isBug
        ? failureStatus(500, 'InternalError', 'This request caused apiserver to panic. Look in the logs for details.')
        : status,
    );
  };
}
