import { errBadPatchType, errNoMergeKey, errOther } from './errors.js';
import {
  deduplicateScalars,
  DELETE_DIRECTIVE,
  DIRECTIVE_MARKER,
  hasKey,
  isMap,
  MERGE_DIRECTIVE,
  REPLACE_DIRECTIVE,
  sliceElementType,
  type JSONMap,
} from './json.js';
import { normalizeElementOrder, partitionMapsByPresentInList, partitionPrimitivesByPresentInList } from './order.js';
import type { PatchMeta } from './patch-meta.js';
import { copyOfPatch, type MergeOptions } from './patch-values.js';

/** How a list element is merged with the patch element of the same merge key: mergeMap, handed in to keep the modules acyclic. */
export type MergeElement = (original: JSONMap, patch: JSONMap, meta: PatchMeta, opts: MergeOptions) => JSONMap;

/**
 * The result of merging a list, and what kube's merge leaves in the
 * original list's storage. Go deletes elements by shifting the rest left in
 * place and appends new ones into the slots so freed; the caller ordering by
 * $setElementOrder then reads that storage as "the live order". We replay it
 * so that the order of merged lists is kube's, not only its set of elements.
 */
export interface MergedSlice {
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
  mergeElement: MergeElement,
): MergedSlice {
  if (strategy === MERGE_DIRECTIVE || isDeleteList) return mergeSlice(original, patch, meta.elem(), mergeKey, opts, isDeleteList, mergeElement);
  return { list: copyOfPatch(patch, opts) as unknown[], originalAfter: original };
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  elem: PatchMeta,
  mergeKey: string,
  opts: MergeOptions,
  isDeleteList: boolean,
  mergeElement: MergeElement,
): MergedSlice {
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
  const merged = mergeSliceWithoutSpecialElements(special.original, special.patch, mergeKey, elem, opts, mergeElement, special.replaced ? undefined : storage);
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
  mergeElement: MergeElement,
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
      out[i] = mergeElement(out[i] as JSONMap, m, elem, opts);
    } else {
      const copy = copyOfPatch(v, opts);
      at.set(value, out.length);
      out.push(copy);
      storage?.append(copy);
    }
  }
  return out;
}
