/**
 * A body the proxy holds before forwarding: a DELETE or OPTIONS body of
 * unknown length (chunked). Backends often read such a method as bodiless
 * (http-proxy even sent it with Content-Length: 0 and the body after it,
 * where it read as a second request on the proxy's trusted connection), so
 * it is read whole, at most 3 MiB, and forwarded with its length.
 */
import type { IncomingMessage } from 'node:http';

/** kube's MaxRequestBodyBytes. */
export const MAX_HELD_BODY_BYTES = 3 * 1024 * 1024;

/** True for the bodies held: a DELETE or OPTIONS without a length that has a body. */
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
