import { canonicalJSON } from './go-value.js';
import { isObject } from './structural.js';

/**
 * How the items of a `x-kubernetes-list-type: map` list find their old
 * values on update: by their list-map keys (a missing key counts as null).
 * Ratcheting and CEL transition rules both correlate this way.
 */
export function correlateByMapKeys(listMapKeys: readonly string[], old: readonly unknown[]): (item: unknown) => unknown {
  const keyOf = (item: unknown): string | undefined =>
    isObject(item) ? canonicalJSON(listMapKeys.map((k) => (Object.hasOwn(item, k) ? item[k] : null))) : undefined;
  const byKey = new Map<string, unknown>();
  for (const o of old) {
    const k = keyOf(o);
    if (k !== undefined && !byKey.has(k)) byKey.set(k, o);
  }
  return (item) => {
    const k = keyOf(item);
    return k === undefined ? undefined : byKey.get(k);
  };
}

/** JSON equality: objects equal with their keys in any order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}
