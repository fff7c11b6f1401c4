import type { Response } from 'express';
import { MEDIA_JSON } from '../negotiation.js';
import { writeTurn } from './write-turns.js';
import { noteStreamedBytes } from '../../observability/metrics/request-metrics.js';

/** About this much of a body (string length or bytes) is made and written per batch. */
export const BATCH_SIZE = 64 * 1024;

export type Chunk = string | Uint8Array;

/** A response body as a head, `count` items made one at a time, and a tail. */
export interface BatchedBody {
  contentType: string;
  head: Chunk;
  count: number;
  /** Item i's bytes, with whatever separates it from item i - 1. */
  item(i: number): Chunk;
  tail: Chunk;
  /** The whole body's length in bytes, when it is known before the items are made: sent as Content-Length. */
  length?: number;
  /** A smaller batch for items that are slow to make per byte (YAML); default BATCH_SIZE. */
  batchSize?: number;
}

const stopped = (res: Response, signal?: AbortSignal): boolean => res.destroyed || signal?.aborted === true;

const byteLength = (c: string | Buffer): number => (typeof c === 'string' ? Buffer.byteLength(c) : c.length);

// Strings stay strings (the socket encodes them); bytes, or a mix, become one Buffer.
function join(chunks: Chunk[]): string | Buffer {
  if (chunks.every((c) => typeof c === 'string')) return chunks.join('');
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}

/**
 * Writes a body in batches of about `batchSize`, each after a wait for 'drain'
 * when the socket is full and for a write turn shared with every other large
 * response (write-turns.ts), so that making a body of thousands of items never
 * holds the event loop for long and only a batch at a time is buffered. A body
 * that fits in one batch goes out at once with a Content-Length; a longer one
 * is chunked unless `length` is known. `audit` is called before the headers
 * are set, with the whole body when that is JSON and in one batch. Stops writing when the client went
 * away or `signal` aborted (whoever aborted it cuts or has answered the response).
 */
export async function writeBatched(
  res: Response,
  code: number,
  body: BatchedBody,
  audit: (json?: Buffer) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (res.headersSent) return;
  const batchSize = body.batchSize ?? BATCH_SIZE;
  let i = 0;
  const batch = (chunks: Chunk[]): string | Buffer => {
    let size = chunks.reduce((n, c) => n + c.length, 0);
    while (i < body.count && size < batchSize) {
      const c = body.item(i++);
      chunks.push(c);
      size += c.length;
    }
    if (i === body.count) chunks.push(body.tail);
    return join(chunks);
  };
  const first = batch([body.head]);
  const whole = i === body.count ? (typeof first === 'string' ? Buffer.from(first) : first) : undefined;
  audit(body.contentType === MEDIA_JSON ? whole : undefined);
  res.status(code);
  res.setHeader('Content-Type', body.contentType);
  res.setHeader('Cache-Control', 'no-cache, private');
  if (whole) {
    res.setHeader('Content-Length', whole.length);
    res.end(whole);
    return;
  }
  if (body.length !== undefined) res.setHeader('Content-Length', body.length);
  let flowing = res.write(first);
  // apiserver_response_sizes reads a Content-Length; without one, the bytes are noted as they go.
  const note = body.length === undefined;
  if (note) noteStreamedBytes(res, byteLength(first));
  while (i < body.count) {
    if (!flowing) await drained(res);
    if (stopped(res, signal)) return;
    await writeTurn();
    if (stopped(res, signal)) return;
    const next = batch([]);
    if (note) noteStreamedBytes(res, byteLength(next));
    flowing = res.write(next);
  }
  if (!res.writableEnded) res.end();
}

/**
 * Makes every item ahead of writing (for a body whose head needs their total
 * length), in batches of about BATCH_SIZE, each but the first after a write
 * turn. Undefined when it stopped: the client went away, `signal` aborted, or
 * `make` gave undefined (the caller knows which of its items did).
 */
export async function makeInBatches<T extends Chunk>(
  res: Response,
  count: number,
  make: (i: number) => T | undefined,
  signal?: AbortSignal,
): Promise<T[] | undefined> {
  const out: T[] = [];
  let size = 0;
  while (out.length < count) {
    if (size >= BATCH_SIZE) {
      size = 0;
      await writeTurn();
      if (stopped(res, signal)) return undefined;
    }
    const c = make(out.length);
    if (c === undefined) return undefined;
    out.push(c);
    size += c.length;
  }
  return out;
}

/** Resolves when the socket takes writes again, or the response closed. */
const drained = (res: Response): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
