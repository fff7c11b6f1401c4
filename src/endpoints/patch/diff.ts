import { errBadArgType, errNoListOfLists, errNoMergeKey, errOther, MAP_TYPE } from './errors.js';
import {
  deduplicateScalars,
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
  scalarText,
  SET_ELEMENT_ORDER_PREFIX,
  sliceElementType,
  sortScalars,
  splitStrategy,
  type JSONMap,
} from './json.js';
import { normalizeSliceOrder } from './order.js';
import type { PatchMeta } from './patch-meta.js';

/**
 * The patch that takes one document to another, as kube's diffMaps: what
 * `kubectl apply` computes. Values of the inputs may be shared with the
 * returned patch; callers copy first if they change either afterwards.
 */
export interface DiffOptions {
  /** Write `$setElementOrder/<field>` beside merged lists whose content or order changed. */
  setElementOrder?: boolean;
  /** Leave additions and changes out (the deletions half of a three-way patch). */
  ignoreChangesAndAdditions?: boolean;
  /** Leave deletions out (the changes half of a three-way patch). */
  ignoreDeletions?: boolean;
  /** Write `$retainKeys` for this map: set for the maps a retainKeys strategy covers. */
  buildRetainKeysDirective?: boolean;
}

export function diffMaps(original: JSONMap, modified: JSONMap, meta: PatchMeta, opts: DiffOptions): JSONMap {
  const patch: JSONMap = {};
  const retainKeys: string[] = [];
  for (const key of Object.keys(modified)) {
    const modifiedValue = modified[key];
    if (opts.buildRetainKeysDirective && modifiedValue !== null) retainKeys.push(key);
    if (!hasKey(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key];
    if (key === DIRECTIVE_MARKER) {
      if (typeof originalValue !== 'string' || typeof modifiedValue !== 'string') throw errOther(`invalid value for special key: ${DIRECTIVE_MARKER}`);
      if (originalValue !== modifiedValue) patch[key] = modifiedValue;
      continue;
    }
    const kind = kindOf(originalValue);
    if (kind !== kindOf(modifiedValue)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (kind === 'map') handleMapDiff(key, originalValue as JSONMap, modifiedValue as JSONMap, patch, meta.child(key), opts);
    else if (kind === 'slice') handleSliceDiff(key, originalValue as unknown[], modifiedValue as unknown[], patch, meta.child(key), opts);
    else replacePatchFieldIfNotEqual(key, originalValue, modifiedValue, patch, opts);
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!hasKey(modified, key)) patch[key] = null;
  }
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))) {
    patch[RETAIN_KEYS_DIRECTIVE] = sortScalars(retainKeys);
  }
  return patch;
}

function handleMapDiff(key: string, original: JSONMap, modified: JSONMap, patch: JSONMap, child: PatchMeta, opts: DiffOptions): void {
  const { retainKeys, strategy } = splitStrategy(child);
  if (strategy === REPLACE_DIRECTIVE) {
    if (!opts.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const value = diffMaps(original, modified, child, { ...opts, buildRetainKeysDirective: retainKeys });
  if (Object.keys(value).length > 0) patch[key] = value;
}

function handleSliceDiff(key: string, original: unknown[], modified: unknown[], patch: JSONMap, child: PatchMeta, opts: DiffOptions): void {
  const { retainKeys, strategy, mergeKey } = splitStrategy(child);
  if (strategy !== MERGE_DIRECTIVE) {
    replacePatchFieldIfNotEqual(key, original, modified, patch, opts);
    return;
  }
  const { add, remove, order } = diffLists(original, modified, child.elem(), mergeKey, { ...opts, buildRetainKeysDirective: retainKeys });
  if (add.length > 0) patch[key] = add;
  if (remove.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/${key}`] = remove;
  if (order.length > 0) patch[`${SET_ELEMENT_ORDER_PREFIX}/${key}`] = order;
}

function replacePatchFieldIfNotEqual(key: string, original: unknown, modified: unknown, patch: JSONMap, opts: DiffOptions): void {
  if (opts.ignoreChangesAndAdditions || deepEqual(original, modified)) return;
  patch[key] = modified;
}

/** Whether the original has a non-null field the modified map lacks. */
function hasAdditionalNewField(original: JSONMap, modified: JSONMap): boolean {
  return Object.keys(original).some((k) => original[k] !== null && !hasKey(modified, k));
}

/**
 * A merged list's patch: changed and added elements (maps: partial, keyed;
 * deletions as `$patch: delete` elements at the end), removed scalars for a
 * parallel $deleteFromPrimitiveList, and the $setElementOrder list.
 */
function diffLists(original: unknown[], modified: unknown[], elem: PatchMeta, mergeKey: string, opts: DiffOptions): { add: unknown[]; remove: unknown[]; order: unknown[] } {
  const none = { add: [], remove: [], order: [] };
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return none;
    return { add: modified, remove: [], order: [] };
  }
  const kind = sliceElementType(original, modified);
  if (kind === 'slice') throw errNoListOfLists();
  if (kind === 'map') {
    const { patch, deletions } = diffListsOfMaps(original, modified, elem, mergeKey, opts);
    const add = normalizeSliceOrder(patch, modified, mergeKey, kind).concat(deletions);
    const orderSame = isOrderSame(original, modified, mergeKey);
    let order: unknown[] = [];
    if (opts.setElementOrder && ((!opts.ignoreChangesAndAdditions && (add.length > 0 || !orderSame)) || (!opts.ignoreDeletions && add.length > 0))) {
      order = modified.map((v) => ({ [mergeKey]: (v as JSONMap)[mergeKey] }));
    }
    return { add, remove: [], order };
  }
  const { add, remove } = diffListsOfScalars(original, modified, opts);
  const sortedAdd = normalizeSliceOrder(add, modified, mergeKey, kind);
  const changed = (!opts.ignoreDeletions && remove.length > 0) || (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified));
  return { add: sortedAdd, remove, order: opts.setElementOrder && changed ? modified : [] };
}

function isOrderSame(original: unknown[], modified: unknown[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  for (let i = 0; i < modified.length; i++) {
    const l = original[i];
    const r = modified[i];
    if (mergeKey === '') {
      if (l !== r) return false;
      continue;
    }
    if (!isMap(l)) throw errBadArgType(MAP_TYPE, l);
    if (!isMap(r)) throw errBadArgType(MAP_TYPE, r);
    if (!hasKey(l, mergeKey)) throw errNoMergeKey(l, mergeKey);
    if (!hasKey(r, mergeKey)) throw errNoMergeKey(r, mergeKey);
    if (l[mergeKey] !== r[mergeKey]) return false;
  }
  return true;
}

/** Scalars added and removed, found by walking both lists sorted by their text. */
function diffListsOfScalars(original: unknown[], modified: unknown[], opts: DiffOptions): { add: unknown[]; remove: unknown[] } {
  const o = sortScalars(original);
  const m = sortScalars(modified);
  const add: unknown[] = [];
  const remove: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const os = i < o.length ? scalarText(o[i]) : undefined;
    const ms = j < m.length ? scalarText(m[j]) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[j]);
      j++;
    } else {
      if (!opts.ignoreDeletions) remove.push(o[i]);
      i++;
    }
  }
  return { add, remove: deduplicateScalars(remove) };
}

/** Elements matched by merge key after sorting both lists by its text: changed ones diffed, new ones whole, gone ones deleted. */
function diffListsOfMaps(original: unknown[], modified: unknown[], elem: PatchMeta, mergeKey: string, opts: DiffOptions): { patch: unknown[]; deletions: unknown[] } {
  const patch: unknown[] = [];
  const deletions: unknown[] = [];
  const o = sortMapsByField(original, mergeKey);
  const m = sortMapsByField(modified, mergeKey);
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const oe = i < o.length ? keyed(o[i], mergeKey) : undefined;
    const me = j < m.length ? keyed(m[j], mergeKey) : undefined;
    if (oe && me && oe.text === me.text) {
      const value = diffMaps(oe.map, me.map, elem, opts);
      if (Object.keys(value).length > 0) {
        value[mergeKey] = me.value;
        patch.push(value);
      }
      i++;
      j++;
    } else if (!oe || (me && oe.text > me.text)) {
      if (!opts.ignoreChangesAndAdditions) patch.push(me!.map);
      j++;
    } else {
      if (!opts.ignoreDeletions) deletions.push({ [mergeKey]: oe.value, [DIRECTIVE_MARKER]: DELETE_DIRECTIVE });
      i++;
    }
  }
  return { patch, deletions };
}

function keyed(item: unknown, mergeKey: string): { map: JSONMap; value: unknown; text: string } {
  if (!isMap(item)) throw errBadArgType(MAP_TYPE, item);
  if (!hasKey(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
  return { map: item, value: item[mergeKey], text: scalarText(item[mergeKey]) };
}

/** Sorts maps by the text of a field (a missing one reads "<nil>", as Go prints it). */
function sortMapsByField(list: unknown[], field: string): unknown[] {
  return list
    .map((v) => [scalarText(isMap(v) ? v[field] : undefined), v] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, v]) => v);
}
