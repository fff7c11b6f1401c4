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
  deduplicateScalars,
  deepCopy,
  deepEqual,
  DELETE_DIRECTIVE,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE_MARKER,
  hasKey,
  isMap,
  kindOf,
  MERGE_DIRECTIVE,
  REPLACE_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
  sliceElementType,
  splitStrategy,
  type JSONMap,
} from './json.js';
import { normalizeElementOrder, partitionMapsByPresentInList, partitionPrimitivesByPresentInList } from './order.js';
import type { PatchMeta } from './patch-meta.js';

/**
 * Merging a patch into an object, as kube's mergeMap and mergeSlice. The
 * `original` map handed to mergeMap is owned by the caller and changed in
 * place; the patch is only read, and whatever of it lands in the result is
 * copied first, so the result never shares structure with the patch.
 */
export interface MergeOptions {
  /**
   * Server side (true): $deleteFromPrimitiveList and $setElementOrder act on
   * their lists. Client side (false, when merging two patches into one):
   * they are carried into the result as they are.
   */
  mergeParallelList: boolean;
  /**
   * Server side (true): a null deletes a field and is never kept. Client
   * side (false): nulls are kept so that the merged patch still deletes.
   */
  ignoreUnmatchedNulls: boolean;
}

export const SERVER_SIDE: MergeOptions = Object.freeze({ mergeParallelList: true, ignoreUnmatchedNulls: true });
export const PATCH_MERGING: MergeOptions = Object.freeze({ mergeParallelList: false, ignoreUnmatchedNulls: false });

/**
 * A copy of a patch value for the result. `stripDirectives` drops every map
 * carrying `$patch` (kube's removeDirectives), used where a patch value lands
 * where nothing was. Server side, null fields are dropped too: kube decodes
 * the merged map into a typed object, where a null field is simply unset,
 * but we keep the merged JSON itself.
 */
function fromPatch(v: unknown, opts: MergeOptions, stripDirectives: boolean): { keep: boolean; value: unknown } {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      const r = fromPatch(e, opts, stripDirectives);
      if (r.keep) out.push(r.value);
    }
    return { keep: true, value: out };
  }
  if (isMap(v)) {
    if (stripDirectives && hasKey(v, DIRECTIVE_MARKER)) return { keep: false, value: undefined };
    const out: JSONMap = {};
    for (const k of Object.keys(v)) {
      const e = v[k];
      if (e === null && opts.ignoreUnmatchedNulls) continue;
      const r = fromPatch(e, opts, stripDirectives);
      if (r.keep) out[k] = r.value;
    }
    return { keep: true, value: out };
  }
  return { keep: true, value: v };
}

const setFromPatch = (target: JSONMap, key: string, v: unknown, opts: MergeOptions): void => {
  const r = fromPatch(v, opts, true);
  if (r.keep) target[key] = r.value;
  else delete target[key];
};

const copyOfPatch = (v: unknown, opts: MergeOptions): unknown => fromPatch(v, opts, false).value;

/** "$setElementOrder/containers" → "containers"; a malformed key is a 400 in kube's words. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw errBadPatchFormatForPrimitiveList();
    throw errBadPatchFormatForSetElementOrderList();
  }
  return key.slice(slash + 1);
}

/** Merges `patch` into `original` (owned, changed in place) and returns the merged map. */
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
      out[field] = mergeSliceHandler(current as unknown[], patchV as unknown[], child, strategy, mergeKey, isDeleteList, opts).list;
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
    else if (foundOriginal && foundPatch) ({ list: merged, originalAfter: serverOrder } = mergeSliceHandler(originalList, patchList, child, strategy, mergeKey, false, opts));
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

/**
 * The result of merging a list, and what kube's merge leaves in the
 * original list's storage. Go deletes elements by shifting the rest left in
 * place and appends new ones into the slots so freed; the caller ordering by
 * $setElementOrder then reads that storage as "the live order". We replay it
 * so that the order of merged lists is kube's, not only its set of elements.
 */
interface MergedSlice {
  list: unknown[];
  originalAfter: unknown[];
}

/** A list field: merged when its strategy says merge (or it is a deletion list), replaced by the patch's otherwise. */
export function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  meta: PatchMeta,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  opts: MergeOptions,
): MergedSlice {
  if (strategy === MERGE_DIRECTIVE || isDeleteList) return mergeSlice(original, patch, meta.elem(), mergeKey, opts, isDeleteList);
  return { list: copyOfPatch(patch, opts) as unknown[], originalAfter: original };
}

function mergeSlice(original: unknown[], patch: unknown[], elem: PatchMeta, mergeKey: string, opts: MergeOptions, isDeleteList: boolean): MergedSlice {
  if (original.length === 0 && patch.length === 0) return { list: original, originalAfter: original };
  const kind = sliceElementType(original, patch);
  if (kind !== 'map') {
    if (opts.mergeParallelList && isDeleteList) {
      const drop = new Set(patch);
      return { list: original.filter((v) => !drop.has(v)), originalAfter: original };
    }
    const merged = deduplicateScalars([...original, ...patch]);
    const [patchItems, serverOnly] =
      mergeKey === '' ? partitionPrimitivesByPresentInList(merged, patch) : partitionMapsByPresentInList(merged, patch, mergeKey);
    return { list: normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind), originalAfter: original };
  }
  if (mergeKey === '') throw errOther('cannot merge lists without merge key for struct');
  const storage = new SliceStorage(original);
  const special = mergeSliceWithSpecialElements(storage, patch, mergeKey, opts);
  const merged = mergeSliceWithoutSpecialElements(special.original, special.patch, mergeKey, elem, opts, special.replaced ? undefined : storage);
  const [patchItems, serverOnly] = partitionMapsByPresentInList(merged, special.patch, mergeKey);
  return { list: normalizeElementOrder(patchItems, serverOnly, special.patch, special.original, mergeKey, kind), originalAfter: storage.view() };
}

/** A Go slice's backing array as seen through the original slice header: deletions shift left, appends fill freed slots. */
class SliceStorage {
  private readonly backing: unknown[];
  private len: number;

  constructor(original: unknown[]) {
    this.backing = [...original];
    this.len = original.length;
  }

  current(): unknown[] {
    return this.backing.slice(0, this.len);
  }

  removeAt(i: number): void {
    this.backing.copyWithin(i, i + 1, this.len);
    this.len--;
  }

  append(v: unknown): void {
    if (this.len < this.backing.length) this.backing[this.len] = v;
    this.len++;
  }

  view(): unknown[] {
    return this.backing;
  }
}

/**
 * List elements carrying `$patch`: delete removes every original element with
 * that merge key value; replace makes the patch's other elements the whole
 * list; merge is refused, as kube refuses it.
 */
function mergeSliceWithSpecialElements(
  storage: SliceStorage,
  patch: unknown[],
  mergeKey: string,
  opts: MergeOptions,
): { original: unknown[]; patch: unknown[]; replaced: boolean } {
  const rest: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JSONMap;
    if (!hasKey(m, DIRECTIVE_MARKER)) {
      rest.push(v);
      continue;
    }
    const directive = m[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!hasKey(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      const value = m[mergeKey];
      for (;;) {
        const i = storage.current().findIndex((e) => isMap(e) && hasKey(e, mergeKey) && e[mergeKey] === value);
        if (i < 0) break;
        storage.removeAt(i);
      }
    } else if (directive === REPLACE_DIRECTIVE) {
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw errOther('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, m);
    }
  }
  if (replace) return { original: rest.map((v) => copyOfPatch(v, opts)), patch: [], replaced: true };
  return { original: storage.current(), patch: rest, replaced: false };
}

/** Patch elements merged into the original element with the same merge key value, or appended. */
function mergeSliceWithoutSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  elem: PatchMeta,
  opts: MergeOptions,
  storage: SliceStorage | undefined,
): unknown[] {
  const out = [...original];
  const at = new Map<unknown, number>();
  out.forEach((e, i) => {
    if (isMap(e) && hasKey(e, mergeKey) && !at.has(e[mergeKey])) at.set(e[mergeKey], i);
  });
  for (const v of patch) {
    const m = v as JSONMap;
    if (!hasKey(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const value = m[mergeKey];
    const i = at.get(value);
    if (i !== undefined) {
      out[i] = mergeMap(out[i] as JSONMap, m, elem, opts);
    } else {
      const copy = copyOfPatch(v, opts);
      at.set(value, out.length);
      out.push(copy);
      storage?.append(copy);
    }
  }
  return out;
}
