import { setOwnProperty } from '../../apimachinery/own-property.js';
import { type Structural, deepCopyJSON, isObject } from './structural.js';

/**
 * kube's structural defaulting (defaulting.Default): wherever the parent
 * object exists, a missing property that has a default gets a deep copy of
 * it, and so does a `null` one unless the property is nullable. Items of a
 * list and values of a map that are `null` get their schema's default the
 * same way. Defaults are applied top-down, so a default that is an object is
 * itself defaulted. Mutates `x` in place; the walk follows the schema, so its
 * depth is bounded by the schema's.
 */
export function applyDefaults(x: unknown, s: Structural | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = s.items;
    if (!items) return;
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && items.default !== undefined) x[i] = deepCopyJSON(items.default);
      applyDefaults(x[i], items);
    }
    return;
  }
  if (!isObject(x)) return;
  for (const [key, prop] of s.properties) {
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(x, key) || isNonNullableNull(x[key], prop)) setOwnProperty(x, key, deepCopyJSON(prop.default));
  }
  const additional = s.additionalProperties === true ? undefined : s.additionalProperties;
  for (const key of Object.keys(x)) {
    const prop = s.properties.get(key);
    if (prop) {
      applyDefaults(x[key], prop);
    } else if (additional) {
      if (isNonNullableNull(x[key], additional) && additional.default !== undefined) {
        setOwnProperty(x, key, deepCopyJSON(additional.default));
      }
      applyDefaults(x[key], additional);
    }
  }
}

const isNonNullableNull = (x: unknown, s: Structural): boolean => x === null && !s.nullable;

/**
 * kube's PruneNonNullableNullsWithoutDefaults, run right after pruning: an
 * object member that is `null` where the schema neither allows null nor has
 * a default is dropped rather than refused (list items are left to
 * validation). Mutates `x`.
 */
export function pruneNonNullableNulls(x: unknown, s: Structural | undefined): void {
  // Without a schema nothing below can be dropped: stop rather than walk the data.
  if (!s) return;
  if (Array.isArray(x)) {
    for (const item of x) pruneNonNullableNulls(item, s.items);
    return;
  }
  if (!isObject(x)) return;
  for (const key of Object.keys(x)) {
    const prop = s.properties.get(key) ?? (s.additionalProperties === true ? undefined : s.additionalProperties);
    if (x[key] === null && prop && !prop.nullable && prop.default === undefined) delete x[key];
    else pruneNonNullableNulls(x[key], prop);
  }
}
