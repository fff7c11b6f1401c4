import type { Response } from 'express';
import { auditResponseObject } from '../../audit/context.js';
import { MEDIA_JSON } from '../negotiation.js';
import { writeTurn } from './write-turns.js';

/** About this much JSON text is made and written per batch. */
const BATCH_CHARS = 64 * 1024;

/**
 * JSON text per item instance. Lists served from the watch cache hand out the
 * same item instances until an object changes (see Store's listed objects), so
 * a storm of lists stringifies each object once, not once per list. Items must
 * not be changed once listed; the text goes when the item does.
 */
const itemJSON = new WeakMap<object, string>();

function jsonOf(item: unknown): string {
  if (typeof item !== 'object' || item === null) return JSON.stringify(item) ?? 'null';
  let text = itemJSON.get(item);
  if (text === undefined) {
    // An array holds `null` where JSON.stringify of the item alone gives undefined.
    text = JSON.stringify(item) ?? 'null';
    itemJSON.set(item, text);
  }
  return text;
}

/**
 * Writes a JSON list whose `items` come last, in batches of about 64 KiB of
 * text, each after a wait for 'drain' when the socket is full and for a write
 * turn shared with every other large response (write-turns.ts), so that
 * serializing lists of thousands of objects never holds the event loop for
 * long, however many are in flight, and only a batch at a time is buffered.
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
    batch += (i === 0 ? '' : ',') + jsonOf(items[i]);
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
    if (!flowing) await drained(res);
    if (res.destroyed || signal?.aborted) return;
    await writeTurn();
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
