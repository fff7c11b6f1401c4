import { MEDIA_JSON } from '../negotiation.js';
import type { BatchedBody } from './batched.js';
import type { ListBody } from './list.js';

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
 * A list as JSON in parts, exactly JSON.stringify(wholeList(list)); its key
 * must be the envelope's last field. Mapped elements (Table rows) are fresh
 * objects: stringified as they are written, and not kept.
 */
export function jsonListBody<T>(list: ListBody<T>): BatchedBody {
  const head = JSON.stringify({ ...list.envelope, [list.key]: [] });
  if (!head.endsWith('[]}')) throw new TypeError(`jsonListBody: ${list.key} must be the envelope's last field`);
  const { items, map } = list;
  const text = map ? (item: T) => JSON.stringify(map(item)) ?? 'null' : jsonOf;
  return {
    contentType: MEDIA_JSON,
    head: head.slice(0, -2),
    count: items.length,
    item: (i) => (i === 0 ? '' : ',') + text(items[i]),
    tail: ']}',
  };
}
