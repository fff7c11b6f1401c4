import * as field from '../../apimachinery/validation/field-error.js';
import type { FieldError } from '../../apimachinery/validation/field-error.js';
import { badValue, canonicalJSON } from './go-value.js';
import { type Structural, isObject } from './structural.js';

/**
 * kube's listtype.ValidateListSetsAndMaps: a list of x-kubernetes-list-type
 * `set` may not repeat an item, one of type `map` may not repeat a key (the
 * x-kubernetes-list-map-keys values; a missing key counts as one value) and
 * holds only objects. Each repeat is reported once, at its second
 * occurrence, with field.Path's paths (`spec.ports[1]`, map keys in
 * brackets). The walk follows the schema.
 */
export function validateListTypes(obj: unknown, s: Structural): FieldError[] {
  const errs: FieldError[] = [];
  if (isObject(obj)) walkObject('', s, obj, errs);
  return errs;
}

const child = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

function walkObject(path: string, s: Structural, obj: Record<string, unknown>, errs: FieldError[]): void {
  const additional = s.additionalProperties === true ? undefined : s.additionalProperties;
  if (additional) for (const k of Object.keys(obj)) walk(`${path}[${k}]`, additional, obj[k], errs);
  for (const k of Object.keys(obj)) {
    const prop = s.properties.get(k);
    if (prop) walk(child(path, k), prop, obj[k], errs);
  }
}

function walk(path: string, s: Structural, v: unknown, errs: FieldError[]): void {
  if (Array.isArray(v)) walkArray(path, s, v, errs);
  else if (isObject(v)) walkObject(path, s, v, errs);
}

function walkArray(path: string, s: Structural, list: unknown[], errs: FieldError[]): void {
  if (s.listType === 'set') {
    for (const i of repeats(list)) errs.push(field.duplicate(`${path}[${i}]`, badValue(list[i])));
  } else if (s.listType === 'map') {
    errs.push(...validateListMap(path, s, list));
  }
  if (s.items) list.forEach((item, i) => walk(`${path}[${i}]`, s.items!, item, errs));
}

/** Indexes of the second occurrence of each repeated value (scalars by value, compounds by their JSON). */
function repeats(list: readonly unknown[]): number[] {
  if (list.length <= 1) return [];
  const seen = new Map<string, number>();
  const out: number[] = [];
  list.forEach((x, i) => {
    const key = Array.isArray(x) || isObject(x) ? `c${canonicalJSON(x)}` : `s${typeof x}:${String(x)}`;
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

function validateListMap(path: string, s: Structural, list: readonly unknown[]): FieldError[] {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x !== null && !isObject(x)) return [field.invalid(`${path}[${i}]`, x, 'must be an object for an array of list-type map')];
  }
  if (list.length <= 1) return [];
  // A list item's key: the map-key fields it has (a missing one is left out, so all-missing items collide).
  const keys = list.map((x) => {
    const key: Record<string, unknown> = {};
    if (isObject(x)) for (const k of s.listMapKeys) if (Object.hasOwn(x, k)) key[k] = x[k];
    return key;
  });
  return repeats(keys).map((i) => field.duplicate(`${path}[${i}]`, badValue(keys[i])));
}
