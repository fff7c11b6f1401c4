import type { WatchEvent } from '../interfaces.js';

/**
 * Encoded bytes per event instance and encoder ("json", "yaml", "table+json"...).
 * The watch cache hands the same WatchEvent instance to every watcher it matches,
 * so keying on the instance means each event is serialized once per encoding, not
 * once per watcher. A WeakMap lets the bytes go when the event does.
 */
const encoded = new WeakMap<WatchEvent, Map<string, Buffer>>();

export function encodeOnce(event: WatchEvent, encoderKey: string, encode: (event: WatchEvent) => Buffer): Buffer {
  let byEncoder = encoded.get(event);
  if (byEncoder === undefined) {
    byEncoder = new Map();
    encoded.set(event, byEncoder);
  }
  let bytes = byEncoder.get(encoderKey);
  if (bytes === undefined) {
    bytes = encode(event);
    byEncoder.set(encoderKey, bytes);
  }
  return bytes;
}
