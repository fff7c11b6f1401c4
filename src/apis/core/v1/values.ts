/**
 * Reading untyped JSON objects safely: the registry hands strategies plain
 * JSON, so every field is checked before use, and a field of the wrong JSON
 * type is refused as kube's decoder refuses it (a 400, before validation).
 */
import { newBadRequest, type StatusError } from '../../../apimachinery/status-error.js';

export type JsonObject = Record<string, unknown>;

export const isRecord = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object at `obj[key]`, created empty when missing or not an object. */
export function objectAt(obj: JsonObject, key: string): JsonObject {
  const v = obj[key];
  if (isRecord(v)) return v;
  const fresh: JsonObject = {};
  obj[key] = fresh;
  return fresh;
}

/** The records of a JSON array (anything else reads as empty). */
export const recordsOf = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isRecord) : []);

export const stringOf = (v: unknown): string => (typeof v === 'string' ? v : '');

export const numberOf = (v: unknown): number => (typeof v === 'number' ? v : 0);

export const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** A string map (data, labels, selector); anything else reads as empty. */
export function stringMapOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** kube's decode failure: `Secret in version "v1" cannot be handled as a Secret: <why>`. */
export const undecodable = (kind: string, why: string): StatusError =>
  newBadRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${why}`);

/**
 * Throws kube's 400 when `obj[field]` is present but not a map of strings,
 * with Go's json message (`json: cannot unmarshal number into Go struct field ConfigMap.data of type string`).
 */
export function requireStringMap(kind: string, obj: JsonObject, field: string): void {
  const v = obj[field];
  if (v === undefined || v === null) return;
  if (!isRecord(v)) {
    throw undecodable(kind, `json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ${kind}.${field} of type map[string]string`);
  }
  for (const val of Object.values(v)) {
    if (typeof val !== 'string' && val !== null) {
      throw undecodable(kind, `json: cannot unmarshal ${jsonTypeName(val)} into Go struct field ${kind}.${field} of type string`);
    }
  }
}

/** The JSON type word Go's decoder prints. */
function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}
