/**
 * kube's UnstructuredToVal: a JSON value as the CEL value its schema node
 * types it. Integers are CEL ints (bigint) where the schema says integer (or
 * says nothing: Go decodes a whole JSON number as int64), numbers are
 * doubles, objects are maps keyed by their escaped property names (so
 * `self.foo__dash__bar` reads `foo-bar`). Maps, never plain objects: a key
 * such as `__proto__` stays a key.
 */
import type { CelInput } from '@bufbuild/cel';
import { isObject, memberSchema, type Structural } from '../structural.js';
import { escapeFieldName } from './types.js';

export function toCelValue(v: unknown, s: Structural | undefined): CelInput {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => toCelValue(x, s?.items));
  if (isObject(v)) {
    const out = new Map<string, CelInput>();
    const isMap = s !== undefined && s.properties.size === 0 && s.additionalProperties !== undefined;
    for (const key of Object.keys(v)) {
      const sub = memberSchema(s, key);
      if (isMap) {
        out.set(key, toCelValue(v[key], sub));
        continue;
      }
      const name = s && s.properties.has(key) ? escapeFieldName(key) : key;
      if (name !== undefined) out.set(name, toCelValue(v[key], sub));
    }
    return out;
  }
  if (typeof v === 'number') {
    if (s?.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return null;
}
