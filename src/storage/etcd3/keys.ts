/**
 * Key layout: storage keys are relative (`/pods/default/web`) and live under the
 * backend's prefix in etcd (`/registry/pods/default/web`). A list or recursive
 * watch treats its key as a directory, so `/pods/a` never matches `/pods/ab`.
 */

/** `/registry` + `/pods/default/web`; a missing leading slash is added. */
export function etcdKey(prefix: string, key: string): string {
  return prefix + (key.startsWith('/') ? key : `/${key}`);
}

/** The directory form of a key: with exactly one trailing slash. */
export function etcdDir(prefix: string, key: string): string {
  const full = etcdKey(prefix, key);
  return full.endsWith('/') ? full : `${full}/`;
}

/** The end of etcd's range for every key starting with `prefix` (its last byte below 0xff incremented). */
export function prefixRangeEnd(prefix: string | Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  // Every byte is 0xff: the range runs to the end of the keyspace.
  return Buffer.from([0]);
}

/** A prefix as stored: leading slash, no trailing slash; "" and "/" mean the root. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
