import type { ServerResponse } from 'node:http';
import { failureStatus, type Status } from '../../apimachinery/status.js';
import { isStatusError } from '../../apimachinery/status-error.js';
import { auditResponseStatus } from '../../audit/context.js';

/**
 * Turns any error into the Status the client sees. A StatusError passes as it
 * is; anything else is a bug: it becomes a 500 and the caller logs it.
 */
export function errorToAPIStatus(err: unknown): { status: Status; isBug: boolean } {
  if (isStatusError(err)) return { status: err.status, isBug: false };
  const message = err instanceof Error ? err.message : String(err);
  return { status: failureStatus(500, 'InternalError', `Internal error occurred: ${message}`), isBug: true };
}

/** Writes a Status as JSON with its code, and Retry-After when it carries one. */
export function writeStatus(res: ServerResponse, status: Status): void {
  const body = JSON.stringify(status);
  auditResponseStatus(res.req, status, body);
  const retryAfter = status.details?.retryAfterSeconds;
  if (retryAfter !== undefined && retryAfter > 0) res.setHeader('Retry-After', String(retryAfter));
  res.statusCode = status.code;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
