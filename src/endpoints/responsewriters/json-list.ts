import type { Response } from 'express';
import { auditResponseObject } from '../../audit/context.js';
import { MEDIA_JSON } from '../negotiation.js';

/** About this much JSON text is made and written per turn of the event loop. */
const BATCH_CHARS = 64 * 1024;

/**
 * Writes a JSON list whose `items` come last, in batches of about 64 KiB of
 * text with a turn of the event loop between them (or a wait for 'drain' when
 * the socket is full), so that serializing a list of thousands of objects
 * never holds the event loop for long and only a batch at a time is buffered.
 * The bytes are exactly JSON.stringify({...envelope, items}). A list that fits
 * in one batch goes out at once with a Content-Length, as before; a longer one
 * is chunked. Stops writing when the client went away or `signal` aborted
 * (whoever aborted it cuts or has answered the response).
 */
export async function writeJSONList(
  res: Response,
  code: number,
  envelope: Record<string, unknown>,
  items: readonly unknown[],
  signal?: AbortSignal,
): Promise<void> {
  if (res.headersSent) return;
  const head = JSON.stringify({ ...envelope, items: [] });
  if (!head.endsWith('[]}')) throw new TypeError('writeJSONList: items must be the envelope\'s last field');
  let batch = head.slice(0, -2);
  let i = 0;
  const next = () => {
    // An array holds `null` where JSON.stringify of the item alone gives undefined.
    batch += (i === 0 ? '' : ',') + (JSON.stringify(items[i]) ?? 'null');
    i++;
  };
  while (i < items.length && batch.length < BATCH_CHARS) next();
  const body = i === items.length ? Buffer.from(batch + ']}') : undefined;
  auditResponseObject(res.req, { ...envelope, items }, body);
  res.status(code);
  res.setHeader('Content-Type', MEDIA_JSON);
  res.setHeader('Cache-Control', 'no-cache, private');
  if (body) {
    res.setHeader('Content-Length', body.length);
    res.end(body);
    return;
  }
  let flowing = res.write(batch);
  while (i < items.length) {
    await (flowing ? new Promise<void>((resolve) => setImmediate(resolve)) : drained(res));
    if (res.destroyed || signal?.aborted) return;
    batch = '';
    while (i < items.length && batch.length < BATCH_CHARS) next();
    if (i === items.length) batch += ']}';
    flowing = res.write(batch);
  }
  if (items.length === i && !res.writableEnded) res.end();
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
