import {
  errBadArgType,
  errBadPatchFormatForPrimitiveList,
  errBadPatchFormatForRetainKeys,
  errBadPatchFormatForSetElementOrderList,
  errBadPatchType,
  errNoMergeKey,
  errOther,
  goString,
  MAP_TYPE,
  SLICE_TYPE,
} from './errors.js';
import {
  asSlice,
  deepCopy,
  deepEqual,
  DELETE_DIRECTIVE,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE_MARKER,
  hasKey,
  isMap,
  kindOf,
  REPLACE_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
  sliceElementType,
  splitStrategy,
  type JSONMap,
} from './json.js';
import { mergeSliceHandler } from './merge-list.js';
import { normalizeElementOrder, partitionMapsByPresentInList, partitionPrimitivesByPresentInList } from './order.js';
import type { PatchMeta } from './patch-meta.js';
import { copyOfPatch, fromPatch, setFromPatch, type MergeOptions } from './patch-values.js';

export { PATCH_MERGING, SERVER_SIDE, type MergeOptions } from './patch-values.js';

/**
 * Merging a patch into an object, as kube's mergeMap: maps and their
 * directives here, lists in merge-list.ts. The `original` map is owned by
 * the caller and changed in place; the patch is only read, and whatever of
 * it lands in the result is copied first (patch-values.ts), so the result
 * never shares structure with the patch.
 */

/** "$setElementOrder/containers" → "containers"; a malformed key is a 400 in kube's words. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw errBadPatchFormatForPrimitiveList();
    throw errBadPatchFormatForSetElementOrderList();
  }
  return key.slice(slash + 1);
}

/**
 * Merges `patch` into `original` (owned, changed in place) and returns the
 * merged map. Fields are taken in the patch's key order (Go's map order is
 * random; the one case where it shows, a list and its
 * $deleteFromPrimitiveList in one patch without $setElementOrder, is thus
 * decided by the patch).
 */
export function mergeMap(original: JSONMap | undefined, patch: JSONMap, meta: PatchMeta, opts: MergeOptions): JSONMap {
  if (hasKey(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch, opts);
  const out = original ?? {};
  const done = new Set<string>();
  applyRetainKeysDirective(out, patch, opts, done);
  mergePatchIntoOriginal(out, patch, meta, opts, done);

  for (const key of Object.keys(patch)) {
    if (done.has(key)) continue;
    const patchV = patch[key];
    let field = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      if (!opts.mergeParallelList) {
        out[key] = deepCopy(patchV);
        continue;
      }
      field = extractKey(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete out[field];
      if (opts.ignoreUnmatchedNulls) continue;
    }
    if (!hasKey(out, field)) {
      if (!isDeleteList) setFromPatch(out, field, patchV, opts);
      continue;
    }
    const current = out[field];
    const kind = kindOf(current);
    if (kind !== kindOf(patchV)) {
      if (!isDeleteList) setFromPatch(out, field, patchV, opts);
      continue;
    }
    if (kind === 'map') {
      const child = meta.child(field);
      const { strategy } = splitStrategy(child);
      out[field] = strategy === REPLACE_DIRECTIVE ? copyOfPatch(patchV, opts) : mergeMap(current as JSONMap, patchV as JSONMap, child, opts);
    } else if (kind === 'slice') {
      const child = meta.child(field);
      const { strategy, mergeKey } = splitStrategy(child);
      out[field] = mergeSliceHandler(current as unknown[], patchV as unknown[], child, strategy, mergeKey, isDeleteList, opts, mergeMap).list;
    } else {
      setFromPatch(out, field, patchV, opts);
    }
  }
  return out;
}

/** A map carrying `$patch`: replace gives the patch itself, delete an empty map; nothing else is allowed on a map. */
function handleDirectiveInMergeMap(directive: unknown, patch: JSONMap, opts: MergeOptions): JSONMap {
  if (directive === REPLACE_DIRECTIVE) {
    const out = copyOfPatch(patch, opts) as JSONMap;
    delete out[DIRECTIVE_MARKER];
    return out;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

/**
 * `$retainKeys`: server side, every field of the patch must be listed and
 * every field of the original not listed is cleared. When merging patches the
 * directive is carried, and two different lists for one map are an error.
 */
function applyRetainKeysDirective(original: JSONMap, patch: JSONMap, opts: MergeOptions, done: Set<string>): void {
  if (!hasKey(patch, RETAIN_KEYS_DIRECTIVE)) return;
  done.add(RETAIN_KEYS_DIRECTIVE);
  const retain = patch[RETAIN_KEYS_DIRECTIVE];
  if (!opts.mergeParallelList) {
    if (hasKey(original, RETAIN_KEYS_DIRECTIVE)) {
      if (!deepEqual(original[RETAIN_KEYS_DIRECTIVE], retain)) {
        throw errOther(`${goString(original[RETAIN_KEYS_DIRECTIVE])} and ${goString(retain)} are not deep equal: this may happen when calculating the 3-way diff patch`);
      }
    } else {
      original[RETAIN_KEYS_DIRECTIVE] = deepCopy(retain);
    }
    return;
  }
  if (!Array.isArray(retain)) throw errBadPatchFormatForRetainKeys();
  const keep = new Set<unknown>(retain);
  for (const k of Object.keys(patch)) {
    if (k === RETAIN_KEYS_DIRECTIVE || patch[k] === null) continue;
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<field>`: merges the field's list (if the patch has one)
 * and puts the result in the order the directive gives, server-only items
 * placed among them as they were. Both the directive and the list are then
 * done with.
 */
function mergePatchIntoOriginal(original: JSONMap, patch: JSONMap, meta: PatchMeta, opts: MergeOptions, done: Set<string>): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[key];
    if (!opts.mergeParallelList) {
      if (hasKey(original, key)) {
        if (!deepEqual(original[key], order)) throw errBadPatchFormatForSetElementOrderList();
      } else {
        original[key] = deepCopy(order);
      }
    }
    done.add(key);
    if (!Array.isArray(order)) throw errBadArgType(SLICE_TYPE, order);
    const field = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = hasKey(original, field);
    const foundPatch = hasKey(patch, field);
    const originalList = foundOriginal ? asSlice(original[field]) : [];
    const patchList = foundPatch ? asSlice(patch[field]) : [];
    const child = meta.child(field);
    const { strategy, mergeKey } = splitStrategy(child);
    validatePatchWithSetOrderList(patchList, order, mergeKey);

    let merged: unknown[];
    let serverOrder = originalList;
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = fromPatch(patchList, opts, true).value as unknown[];
    else if (foundOriginal && foundPatch) ({ list: merged, originalAfter: serverOrder } = mergeSliceHandler(originalList, patchList, child, strategy, mergeKey, false, opts, mergeMap));
    else continue;

    const [patchItems, serverOnly] = mergeKey === '' ? partitionPrimitivesByPresentInList(merged, order) : partitionMapsByPresentInList(merged, order, mergeKey);
    const kind = sliceElementType(originalList, patchList);
    original[field] = normalizeElementOrder(patchItems, serverOnly, order, serverOrder, mergeKey, kind);
    done.add(field);
  }
}

/** The items of the patch list (deletions aside) must appear in the $setElementOrder list, in its order. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    items = [];
    for (const v of patchList) {
      if (!isMap(v)) throw errBadArgType(MAP_TYPE, v);
      if (v[DIRECTIVE_MARKER] !== DELETE_DIRECTIVE) items.push(v);
    }
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    if (isMap(items[p]) && hasKey(items[p] as JSONMap, DIRECTIVE_MARKER)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(items[p], order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw errOther(`The order in patch list:\n${goString(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goString(order)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isMap(left)) throw errBadArgType(MAP_TYPE, left);
  if (!isMap(right)) throw errBadArgType(MAP_TYPE, right);
  if (!hasKey(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasKey(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}
