import { errOther, goString } from './errors.js';
import {
  deduplicateScalars,
  deepEqual,
  DIRECTIVE_MARKER,
  hasKey,
  isMap,
  MERGE_DIRECTIVE,
  REPLACE_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  sliceElementType,
  sortScalars,
  splitStrategy,
  type JSONMap,
} from './json.js';
import { NO_SCHEMA, type PatchMeta } from './patch-meta.js';

/**
 * Whether two strategic merge patches set some field differently (kube's
 * MergingMapsHaveConflicts): what `kubectl apply --overwrite=false` checks
 * between its patch and the changes made to the live object since the last
 * apply. Merged lists of scalars never conflict; merged lists of maps are
 * compared element by element by merge key; other lists as wholes.
 */
export function mergingMapsHaveConflicts(left: JSONMap, right: JSONMap, meta: PatchMeta): boolean {
  return fieldsHaveConflicts(left, right, meta, '', '');
}

function fieldsHaveConflicts(left: unknown, right: unknown, meta: PatchMeta, strategy: string, mergeKey: string): boolean {
  if (isMap(left)) {
    if (!isMap(right)) return true;
    const l = hasKey(left, DIRECTIVE_MARKER);
    const r = hasKey(right, DIRECTIVE_MARKER);
    // A directive acts on the whole map: two different ones, or one against field changes, conflict.
    if ((l || r) && (l !== r || left[DIRECTIVE_MARKER] !== right[DIRECTIVE_MARKER])) return true;
    if (strategy === REPLACE_DIRECTIVE) return false;
    return mapsHaveConflicts(left, right, meta);
  }
  if (Array.isArray(left)) {
    if (!Array.isArray(right)) return true;
    return slicesHaveConflicts(left, right, meta, strategy, mergeKey);
  }
  return !deepEqual(left, right);
}

function mapsHaveConflicts(left: JSONMap, right: JSONMap, meta: PatchMeta): boolean {
  for (const key of Object.keys(left)) {
    if (key === DIRECTIVE_MARKER || key === RETAIN_KEYS_DIRECTIVE || !hasKey(right, key)) continue;
    const leftValue = left[key];
    let sub = NO_SCHEMA;
    let strategy = '';
    let mergeKey = '';
    if (Array.isArray(leftValue) || isMap(leftValue)) {
      const child = meta.child(key);
      ({ strategy, mergeKey } = splitStrategy(child));
      sub = Array.isArray(leftValue) ? child.elem() : child;
    }
    if (fieldsHaveConflicts(leftValue, right[key], sub, strategy, mergeKey)) return true;
  }
  return false;
}

function slicesHaveConflicts(left: unknown[], right: unknown[], elem: PatchMeta, strategy: string, mergeKey: string): boolean {
  const kind = sliceElementType(left, right);
  if (strategy === MERGE_DIRECTIVE) {
    if (kind !== 'map') return false;
    const l = byMergeKey(left, mergeKey);
    const r = byMergeKey(right, mergeKey);
    for (const [k, v] of l) {
      if (r.has(k) && fieldsHaveConflicts(v, r.get(k), elem, '', '')) return true;
    }
    return false;
  }
  if (left.length !== right.length) return true;
  const l = kind === 'map' ? left : sortScalars(deduplicateScalars(left));
  const r = kind === 'map' ? right : sortScalars(deduplicateScalars(right));
  // Lists of different lengths after deduplication cannot be equal, and walking them would read past one end.
  if (l.length !== r.length) return true;
  for (let i = 0; i < l.length; i++) if (fieldsHaveConflicts(l[i], r[i], elem, '', '')) return true;
  return false;
}

function byMergeKey(list: unknown[], mergeKey: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const v of list) {
    if (!isMap(v)) throw errOther(`invalid element type in merging list:${goString(list)}`);
    if (!hasKey(v, mergeKey)) throw errOther(`cannot find merge key \`${mergeKey}\` in merging list element:${goString(v)}`);
    out.set(goString(v[mergeKey], '%s'), v);
  }
  return out;
}
