import { DELETE_FROM_PRIMITIVE_LIST_PREFIX, DIRECTIVE_MARKER, hasKey, isMap, RETAIN_KEYS_DIRECTIVE, SET_ELEMENT_ORDER_PREFIX, type JSONMap } from './json.js';

/** The two ways kube merges: a patch into an object (server side), or two patches into one (kubectl). */
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
 * where nothing was; otherwise the value is taken whole, as kube takes a
 * replacing value.
 *
 * Server side, kube then decodes the merged map into a typed object, where a
 * null field is simply unset and a directive key is an unknown field that is
 * dropped. We keep the merged JSON itself, so we drop them here: nulls, and
 * `$patch`, `$retainKeys`, `$setElementOrder/...` and
 * `$deleteFromPrimitiveList/...` keys left in values that were not merged.
 * When merging patches (client side) everything is kept.
 */
export function fromPatch(v: unknown, opts: MergeOptions, stripDirectives: boolean): { keep: boolean; value: unknown } {
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
      if (opts.mergeParallelList && isDirectiveKey(k)) continue;
      const r = fromPatch(e, opts, stripDirectives);
      if (r.keep) out[k] = r.value;
    }
    return { keep: true, value: out };
  }
  return { keep: true, value: v };
}

const isDirectiveKey = (k: string): boolean =>
  k === DIRECTIVE_MARKER || k === RETAIN_KEYS_DIRECTIVE || k.startsWith(`${SET_ELEMENT_ORDER_PREFIX}/`) || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/`);

export const setFromPatch = (target: JSONMap, key: string, v: unknown, opts: MergeOptions): void => {
  const r = fromPatch(v, opts, true);
  if (r.keep) target[key] = r.value;
  else delete target[key];
};

export const copyOfPatch = (v: unknown, opts: MergeOptions): unknown => fromPatch(v, opts, false).value;

