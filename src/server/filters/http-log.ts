import type { RequestHandler } from 'express';
import { auditIDFrom, requestInfoFrom, userFrom } from '../../endpoints/request/context.js';
import type { Logger } from '../../observability/logger.js';

/** One line per request at -v 2 or more: verb, path, code, latency, user. A no-op below that. */
export function withHTTPLog(logger: Logger, level = 2): RequestHandler {
  if (!logger.enabled(level)) return (_req, _res, next) => next();
  const log = logger.v(level);
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const latencyMs = Number(process.hrtime.bigint() - start) / 1e6;
      log.info('HTTP', {
        verb: requestInfoFrom(req)?.verb ?? req.method.toLowerCase(),
        path: req.originalUrl,
        code: res.statusCode,
        latency: `${latencyMs.toFixed(3)}ms`,
        user: userFrom(req)?.name ?? '',
        userAgent: req.headers['user-agent'] ?? '',
        auditID: auditIDFrom(req),
        srcIP: req.socket.remoteAddress,
      });
    });
    next();
  };
}
