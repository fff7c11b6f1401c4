import { errBadArgType, errNoListOfLists, errNoMergeKey, errOther, goString, MAP_TYPE, SLICE_TYPE } from './errors.js';
import type { PatchMeta } from './patch-meta.js';

/** Decoded JSON, as the patch functions see it. */
export type JSONMap = Record<string, unknown>;

// The directives, spelled as kube spells them.
export const DIRECTIVE_MARKER = '$patch';
export const DELETE_DIRECTIVE = 'delete';
export const REPLACE_DIRECTIVE = 'replace';
export const MERGE_DIRECTIVE = 'merge';
export const RETAIN_KEYS_STRATEGY = 'retainKeys';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

export const isMap = (v: unknown): v is JSONMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The kind of a value as Go's reflect.TypeOf tells decoded JSON apart:
 * two values of different kinds are never merged, the patch's replaces.
 */
export type ValueKind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';
export function kindOf(v: unknown): ValueKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    default:
      return 'bool';
  }
}

export const hasKey = (m: JSONMap, k: string): boolean => Object.hasOwn(m, k);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!hasKey(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (isMap(v)) {
    const out: JSONMap = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    return out as T;
  }
  return v;
}

/** The element kind shared by every element of the lists; kube refuses mixed lists, lists of lists and all-empty lists. */
export function sliceElementType(...slices: unknown[][]): ValueKind {
  let prev: ValueKind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === 'slice') throw errNoListOfLists();
        prev = k;
      } else if (prev !== k) {
        throw errOther(`list element types are not identical: [${slices.map((x) => goString(x)).join(' ')}]`);
      }
    }
  }
  if (prev === undefined) throw errOther('no elements in any of the given slices');
  return prev;
}

export function asSlice(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw errBadArgType(SLICE_TYPE, v);
  return v;
}

export function asMap(v: unknown): JSONMap {
  if (!isMap(v)) throw errBadArgType(MAP_TYPE, v);
  return v;
}

/** The merge key's value of a list element that must be a map carrying it. */
export function mergeKeyValue(item: unknown, mergeKey: string): unknown {
  const m = asMap(item);
  if (!hasKey(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
  return m[mergeKey];
}

/** A field's patch strategy split as kube's extractRetainKeysPatchStrategy: whether retainKeys is set, and the other strategy. */
export function splitStrategy(meta: PatchMeta): { retainKeys: boolean; strategy: string; mergeKey: string } {
  const { patchStrategy, mergeKey = '' } = meta.strategy();
  const parts = patchStrategy === undefined || patchStrategy === '' ? [] : patchStrategy.split(',');
  if (parts.length === 0) return { retainKeys: false, strategy: '', mergeKey };
  if (parts.length === 1) return parts[0] === RETAIN_KEYS_STRATEGY ? { retainKeys: true, strategy: '', mergeKey } : { retainKeys: false, strategy: parts[0]!, mergeKey };
  if (parts.length === 2 && parts[0] === RETAIN_KEYS_STRATEGY) return { retainKeys: true, strategy: parts[1]!, mergeKey };
  if (parts.length === 2 && parts[1] === RETAIN_KEYS_STRATEGY) return { retainKeys: true, strategy: parts[0]!, mergeKey };
  throw errOther(`unexpected patch strategy: [${parts.join(' ')}]`);
}

/** A scalar as kube compares scalars when sorting them: by its %v text. */
export const scalarText = (v: unknown): string => goString(v);

/** Sorts scalars by their text, as kube's sortScalars (a stable sort, so equal texts keep their order). */
export function sortScalars(s: unknown[]): unknown[] {
  return s
    .map((v) => [scalarText(v), v] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, v]) => v);
}

/**
 * Drops repeated scalars as kube's deduplicateScalars does: a repeat is
 * overwritten by the last element, so the order can change. The one place
 * the order shows is a $deleteFromPrimitiveList list, kept as kube writes it.
 */
export function deduplicateScalars(input: unknown[]): unknown[] {
  const s = [...input];
  let last = s.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (s[i] === s[j]) {
        s[j] = s[last];
        s.length = last;
        last--;
        j--;
      }
    }
  }
  return s;
}
