import { isDeepStrictEqual } from 'node:util';
import { isJSONObject } from '../json.js';
import { setOwnProperty } from '../own-property.js';
import { FieldSet, fieldElement, keyElement, valueElement, type Path, type PathElement } from './field-set.js';
import { fieldType, type ListType, type MergeType } from './merge-type.js';

/**
 * structured-merge-diff's operations on a value and its merge type: the set
 * of fields it sets, the comparison of two values, the merge of an applied
 * configuration into a live object, and the removal of fields. Values are
 * plain JSON; nothing here changes its arguments.
 */

/** An object or list the merge type cannot place (a list-map item without its key): a client error for apply. */
export class TypedValueError extends Error {
  constructor(
    readonly path: Path,
    message: string,
  ) {
    super(message);
  }
}

type JSONObject = Record<string, unknown>;

const isEmptyContainer = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isJSONObject(v) && Object.keys(v).length === 0);

/** The path element of one list item, or an error naming what is missing. */
export function itemElement(t: ListType, item: unknown, path: Path): PathElement {
  if (t.listType === 'set') {
    if (typeof item === 'object' && item !== null) throw new TypedValueError(path, 'a set may only hold scalars');
    return valueElement(item);
  }
  if (!isJSONObject(item)) throw new TypedValueError(path, 'associative list with keys may not have non-map elements');
  const keys: Array<[string, unknown]> = [];
  for (const k of t.keys) {
    if (Object.hasOwn(item, k) && item[k] !== null && item[k] !== undefined) keys.push([k, item[k]]);
    else if (Object.hasOwn(t.keyDefaults, k)) keys.push([k, t.keyDefaults[k]]);
    else throw new TypedValueError(path, `associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
  }
  return keyElement(keys);
}

/**
 * The items of a list by element. `strict`: a duplicate is an error (an
 * applied configuration); otherwise the first one stands for the element and
 * the duplicates are reported, to be owned as a whole (kube's AllowDuplicates).
 */
function indexItems(t: ListType, list: readonly unknown[], path: Path, strict: boolean): { byElement: Map<PathElement, unknown>; order: PathElement[]; duplicates: Set<PathElement> } {
  const byElement = new Map<PathElement, unknown>();
  const order: PathElement[] = [];
  const duplicates = new Set<PathElement>();
  for (const item of list) {
    const pe = itemElement(t, item, path);
    if (byElement.has(pe)) {
      if (strict) throw new TypedValueError(path, `duplicate entries for key ${pe.slice(2)}`);
      duplicates.add(pe);
      continue;
    }
    byElement.set(pe, item);
    order.push(pe);
  }
  return { byElement, order, duplicates };
}

/** Whether `v` has the shape `t` walks into (null counts as an empty container). */
function fits(v: unknown, t: MergeType): boolean {
  if (v === undefined || v === null) return true;
  if (t.kind === 'struct') return isJSONObject(v);
  if (t.kind === 'list') return Array.isArray(v);
  return true;
}

// ---------------------------------------------------------------- field set

/** Every field `value` sets (TypedValue.ToFieldSet). `strict` refuses duplicate list items. */
export function toFieldSet(value: unknown, t: MergeType, strict = false): FieldSet {
  const set = new FieldSet();
  walkSet(value, t, [], set, strict);
  return set;
}

function walkSet(v: unknown, t: MergeType, path: PathElement[], set: FieldSet, strict: boolean): void {
  if (t.kind === 'leaf' || v === null || !fits(v, t)) {
    if (path.length > 0) set.insert(path);
    return;
  }
  if (t.kind === 'struct') {
    for (const [k, child] of Object.entries(v as JSONObject)) {
      const { type, declared } = fieldType(t, k);
      path.push(fieldElement(k));
      walkSet(child, type, path, set, strict);
      if (!declared || child === null || (isJSONObject(child) && Object.keys(child).length === 0)) set.insert(path);
      path.pop();
    }
    return;
  }
  const { byElement, order, duplicates } = indexItems(t, v as unknown[], path, strict);
  const elem = t.elem();
  for (const pe of order) {
    path.push(pe);
    if (!duplicates.has(pe)) walkSet(byElement.get(pe), elem, path, set, strict);
    set.insert(path);
    path.pop();
  }
}

// ---------------------------------------------------------------- compare

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export const isSame = (c: Comparison): boolean => c.added.empty() && c.modified.empty() && c.removed.empty();

/** What changed from `lhs` to `rhs` (TypedValue.Compare): containers that appear or go are paths too. */
export function compare(lhs: unknown, rhs: unknown, t: MergeType): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, t, [], c);
  return c;
}

function leafRule(l: unknown, r: unknown, path: PathElement[], c: Comparison): void {
  if (path.length === 0) return;
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!isDeepStrictEqual(l, r)) c.modified.insert(path);
}

function walkCompare(l: unknown, r: unknown, t: MergeType, path: PathElement[], c: Comparison): void {
  if (t.kind === 'leaf' || !fits(l, t) || !fits(r, t) || (isEmptyContainer(l) && isEmptyContainer(r))) {
    leafRule(l, r, path, c);
    return;
  }
  if (t.kind === 'struct') {
    const lo = isJSONObject(l) ? l : undefined;
    const ro = isJSONObject(r) ? r : undefined;
    const keys = new Set([...(lo ? Object.keys(lo) : []), ...(ro ? Object.keys(ro) : [])]);
    for (const k of keys) {
      path.push(fieldElement(k));
      walkCompare(lo && Object.hasOwn(lo, k) ? lo[k] : undefined, ro && Object.hasOwn(ro, k) ? ro[k] : undefined, fieldType(t, k).type, path, c);
      path.pop();
    }
  } else {
    const li = indexItems(t, Array.isArray(l) ? l : [], path, false);
    const ri = indexItems(t, Array.isArray(r) ? r : [], path, false);
    const elem = t.elem();
    const seen = new Set<PathElement>();
    for (const pe of [...li.order, ...ri.order]) {
      if (seen.has(pe)) continue;
      seen.add(pe);
      path.push(pe);
      if (li.duplicates.has(pe) || ri.duplicates.has(pe)) leafRule(li.byElement.get(pe), ri.byElement.get(pe), path, c);
      else walkCompare(li.byElement.get(pe), ri.byElement.get(pe), elem, path, c);
      path.pop();
    }
  }
  if (path.length > 0) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  }
}

// ---------------------------------------------------------------- merge

/**
 * An applied configuration merged into a live object (TypedValue.Merge):
 * the configuration wins field by field; granular structs and maps keep the
 * live fields it does not set; lists merge by item, shared items in the
 * configuration's order and live-only items where they were.
 */
export function merge(lhs: unknown, rhs: unknown, t: MergeType): unknown {
  return walkMerge(lhs, rhs, t, []);
}

function walkMerge(l: unknown, r: unknown, t: MergeType, path: PathElement[]): unknown {
  if (r === undefined) return l;
  if (l === undefined || t.kind === 'leaf' || !fits(l, t) || !fits(r, t) || (isEmptyContainer(l) && isEmptyContainer(r))) return r;
  if (t.kind === 'struct') {
    const out: JSONObject = isJSONObject(l) ? { ...l } : {};
    if (isJSONObject(r)) {
      for (const [k, rv] of Object.entries(r)) {
        path.push(fieldElement(k));
        setOwnProperty(out, k, walkMerge(Object.hasOwn(out, k) ? out[k] : undefined, rv, fieldType(t, k).type, path));
        path.pop();
      }
    }
    return out;
  }
  return mergeList(Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], t, path);
}

/**
 * structured-merge-diff's list merge: walk both lists; a shared item is
 * emitted when the configuration reaches it (merged), a live-only item where
 * it stands, a configuration-only item where the configuration has it.
 */
function mergeList(l: readonly unknown[], r: readonly unknown[], t: ListType, path: PathElement[]): unknown[] {
  const lhs = l.map((item) => ({ pe: itemElement(t, item, path), item }));
  const rhs = indexItems(t, r, path, true);
  const lhsIndex = new Map<PathElement, unknown>();
  for (const { pe, item } of lhs) if (!lhsIndex.has(pe)) lhsIndex.set(pe, item);
  const shared = rhs.order.filter((pe) => lhsIndex.has(pe));
  let nextShared = 0;
  const emitted = new Set<PathElement>();
  const out: unknown[] = [];
  const elem = t.elem();
  const emitRHS = (pe: PathElement): void => {
    emitted.add(pe);
    path.push(pe);
    out.push(walkMerge(lhsIndex.get(pe), rhs.byElement.get(pe), elem, path));
    path.pop();
    if (shared[nextShared] === pe) nextShared++;
  };
  let li = 0;
  let ri = 0;
  while (li < lhs.length || ri < rhs.order.length) {
    if (li < lhs.length && ri < rhs.order.length && lhs[li]!.pe === rhs.order[ri]) {
      emitRHS(rhs.order[ri]!);
      li++;
      ri++;
      continue;
    }
    if (li < lhs.length) {
      const { pe, item } = lhs[li]!;
      if (!rhs.byElement.has(pe)) {
        out.push(item);
        li++;
        continue;
      }
      if (emitted.has(pe) || (shared[nextShared] !== undefined && shared[nextShared] !== pe)) {
        li++;
        continue;
      }
    }
    if (ri < rhs.order.length) {
      emitRHS(rhs.order[ri]!);
      ri++;
    } else {
      li++;
    }
  }
  return out;
}

// ---------------------------------------------------------------- remove

/** `value` without the members of `set` (a removed member takes its whole subtree). */
export function removeItems(value: unknown, set: FieldSet, t: MergeType): unknown {
  if (set.empty() || t.kind === 'leaf' || value === null || value === undefined || !fits(value, t)) return value;
  if (t.kind === 'struct') {
    const out: JSONObject = {};
    for (const [k, v] of Object.entries(value as JSONObject)) {
      const c = set.child(fieldElement(k));
      if (!c) setOwnProperty(out, k, v);
      else if (!c.member) setOwnProperty(out, k, removeItems(v, c, fieldType(t, k).type));
    }
    return out;
  }
  const out: unknown[] = [];
  const elem = t.elem();
  for (const item of value as unknown[]) {
    let pe: PathElement;
    try {
      pe = itemElement(t, item, []);
    } catch {
      out.push(item);
      continue;
    }
    const c = set.child(pe);
    if (!c) out.push(item);
    else if (!c.member) out.push(removeItems(item, c, elem));
  }
  return out;
}
