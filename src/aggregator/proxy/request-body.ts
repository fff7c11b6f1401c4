/**
 * A body the proxy must hold before forwarding. http-proxy gives a DELETE or
 * OPTIONS without Content-Length a Content-Length of 0 and then streams the
 * body anyway: a chunked body would reach the backend unframed, where it
 * reads as a second request on the proxy's trusted connection. Such a body
 * is read whole and forwarded with its length.
 */
import type { IncomingMessage } from 'node:http';

/** kube's MaxRequestBodyBytes. */
export const MAX_HELD_BODY_BYTES = 3 * 1024 * 1024;

/** True for the requests http-proxy would mis-frame. */
export const mustHoldBody = (req: IncomingMessage): boolean =>
  (req.method === 'DELETE' || req.method === 'OPTIONS') && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined;

export class BodyTooLargeError extends Error {}

/**
 * The whole body; rejects with BodyTooLargeError past `limit` bytes, or with
 * the stream's error. A body past the limit is then read and dropped, as the
 * server's own readBody does: the client's connection stays up to carry the
 * 413 (destroying the request would close it before the answer is written).
 */
export function readHeldBody(req: IncomingMessage, limit = MAX_HELD_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        reject(new BodyTooLargeError(`the request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
