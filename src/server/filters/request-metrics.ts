import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { beginRequest, endRequest, streamedBytesOf } from '../../observability/metrics/request-metrics.js';
import { metricsEnabled } from '../../observability/metrics/registry.js';

/**
 * Times every request from its arrival and reports it when its response is
 * done or its connection closed: apiserver_request_total, _duration_seconds
 * and _response_sizes, with the labels a route (or max-in-flight) claimed for
 * it (observability/metrics/request-metrics.ts). First in the chain, so the
 * time includes every filter. Not installed with metrics off.
 */
export function withRequestMetrics(): RequestHandler {
  if (!metricsEnabled) return (_req, _res, next) => next();
  return (req, res, next) => {
    beginRequest(req);
    // One listener function for all requests: 'close' comes once, after the response or the client's leaving.
    res.on('close', onClose);
    next();
  };
}

function onClose(this: ServerResponse): void {
  const length = this.getHeader('content-length');
  const bytes = typeof length === 'number' ? length : typeof length === 'string' ? Number(length) : streamedBytesOf(this);
  endRequest(this.req, this.statusCode, bytes);
}
