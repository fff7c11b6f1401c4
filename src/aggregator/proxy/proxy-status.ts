/** The Status answers of the proxy itself, over a response or over a raw (upgrade) socket. */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { failureStatus, type Status } from '../../apimachinery/status.js';
import { newInternalError, newServiceUnavailable } from '../../apimachinery/status-error.js';

/** kube answers "service unavailable"; the APIService is named so a client can tell which backend failed. */
export const serviceUnavailable = (apiService: string, detail: string): Status =>
  newServiceUnavailable(`service unavailable: APIService ${JSON.stringify(apiService)}: ${detail}`).status;

export const internalError = (apiService: string, detail: string): Status => newInternalError(`APIService ${JSON.stringify(apiService)}: ${detail}`).status;

/** kube's rejection of a backend's redirect (RejectForwardingRedirects); meta/v1 has no reason for 502. */
export function redirectRejected(): Status {
  const status = failureStatus(502, '', 'the backend attempted to redirect this request, which is not permitted');
  delete status.reason;
  return status;
}

/** Answers on a socket that no ServerResponse owns, and closes it once written (nothing more is read from it). */
export function writeStatusToSocket(socket: Duplex, status: Status): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      'Cache-Control: no-cache, private\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  socket.once('finish', () => socket.destroy());
}
