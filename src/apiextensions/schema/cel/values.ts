/**
 * kube's UnstructuredToVal: a JSON value as the CEL value its schema node
 * types it. Integers are CEL ints (bigint) where the schema says integer (or
 * says nothing: Go decodes a whole JSON number as int64), numbers are
 * doubles, objects are maps keyed by their escaped property names (so
 * `self.foo__dash__bar` reads `foo-bar`). Maps, never plain objects: a key
 * such as `__proto__` stays a key.
 */
import { type CelInput, celList, celMap } from '@bufbuild/cel';
import { isObject, memberSchema, type Structural } from '../structural.js';
import { escapeFieldName } from './types.js';

/**
 * Values already converted in one validation, by JSON object or array: a
 * node with rules and its descendants with rules share their conversions
 * (the walk meets each JSON value under one schema node only).
 */
export type CelValueMemo = Map<object, CelInput>;

export function toCelValue(v: unknown, s: Structural | undefined, memo?: CelValueMemo): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') {
    const hit = memo?.get(v);
    if (hit !== undefined) return hit;
    const out = convertContainer(v, s, memo);
    memo?.set(v, out);
    return out;
  }
  if (typeof v === 'number') {
    if (s?.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return null;
}

function convertContainer(v: object, s: Structural | undefined, memo: CelValueMemo | undefined): CelInput {
  // Wrapped once here: @bufbuild/cel would otherwise wrap a plain array or Map again on every access.
  if (Array.isArray(v)) return celList(v.map((x) => toCelValue(x, s?.items, memo)));
  if (!isObject(v)) return null;
  const out = new Map<string, CelInput>();
  const isMap = s !== undefined && s.properties.size === 0 && s.additionalProperties !== undefined;
  for (const key of Object.keys(v)) {
    const sub = memberSchema(s, key);
    if (isMap) {
      out.set(key, toCelValue(v[key], sub, memo));
      continue;
    }
    const name = s && s.properties.has(key) ? escapeFieldName(key) : key;
    if (name !== undefined) out.set(name, toCelValue(v[key], sub, memo));
  }
  return celMap(out);
}
