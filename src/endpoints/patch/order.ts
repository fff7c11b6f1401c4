import { errBadArgType, errNoMergeKey, errOther, MAP_TYPE } from './errors.js';
import { DELETE_DIRECTIVE, DIRECTIVE_MARKER, hasKey, isMap, type ValueKind } from './json.js';

/**
 * The order of merged lists, as kube's strategic merge patch gives it
 * (design proposal "preserve order in strategic merge patch"): the items the
 * patch names (or its $setElementOrder list) in the patch's order, the items
 * only the live object has in their live order, and the two interleaved: a
 * live-only item goes next when the live list has both it and the next patch
 * item and puts it first; otherwise the patch item goes next. A new item,
 * unknown to the live list, therefore goes before the live-only items still
 * waiting.
 */

/** Where each identity (merge key value, or the scalar itself) first appears in `order`. */
function positions(order: unknown[], mergeKey: string, kind: ValueKind): Map<unknown, number> {
  const at = new Map<unknown, number>();
  for (let i = 0; i < order.length; i++) {
    const id = identity(order[i], mergeKey, kind);
    if (!at.has(id)) at.set(id, i);
  }
  return at;
}

/** kube's index(): a map is known by its merge key's value (nil when absent), anything else by itself. */
function identity(item: unknown, mergeKey: string, kind: ValueKind): unknown {
  if (kind !== 'map') return item;
  return isMap(item) ? item[mergeKey] : undefined;
}

/** Every item of every list is a map carrying the merge key (validateMergeKeyInLists). */
function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw errBadArgType(MAP_TYPE, item);
      if (!hasKey(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** Sorts `toSort` by where its items appear in `order` (stable); `$patch: delete` items of a map list go last. */
export function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: ValueKind): unknown[] {
  let items = toSort;
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    items = [];
    for (const v of toSort) ((v as Record<string, unknown>)[DIRECTIVE_MARKER] === DELETE_DIRECTIVE ? toDelete : items).push(v);
  }
  const at = positions(order, mergeKey, kind);
  const sorted = items
    .map((v, i) => ({ v, i, at: at.get(identity(v, mergeKey, kind)) }))
    .sort((a, b) => (a.at !== undefined && b.at !== undefined ? a.at - b.at : 0) || a.i - b.i)
    .map((e) => e.v);
  return toDelete.length > 0 ? sorted.concat(toDelete) : sorted;
}

/**
 * Interleaves server-only items (`left`) into patch items (`right`), both
 * already sorted: a server-only item is taken first only when the live list
 * (`serverOrder`) has both it and the next patch item and puts it before.
 */
export function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: ValueKind): unknown[] {
  const at = positions(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = at.get(identity(left[i], mergeKey, kind));
      const ri = at.get(identity(right[j], mergeKey, kind));
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Sorts the patch items by `patchOrder` and the server-only items by `serverOrder`, then interleaves them. */
export function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ValueKind,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/** Splits scalars into those present in `partitionBy` and the others, keeping their order. */
export function partitionPrimitivesByPresentInList(items: unknown[], partitionBy: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(partitionBy);
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of items) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

/** Splits maps into those whose merge key value appears in `partitionBy` and the others, keeping their order. */
export function partitionMapsByPresentInList(items: unknown[], partitionBy: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const present = new Set<unknown>();
  partitionBy.forEach((v, i) => {
    if (!isMap(v)) throw errOther(`value for key ${i} is not a map`);
    if (hasKey(v, mergeKey)) present.add(v[mergeKey]);
  });
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of items) {
    if (!isMap(v)) throw errBadArgType(MAP_TYPE, v);
    if (!hasKey(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (present.has(v[mergeKey]) ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}
