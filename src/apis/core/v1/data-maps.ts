/**
 * The data maps ConfigMaps and Secrets share: key checks, the 1 MiB bound, the
 * `immutable` rule, and base64 values that must decode as Go decodes them.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isConfigMapKey } from '../../../apimachinery/validation/names.js';
import { byteLength } from '../../../apimachinery/validation/go-format.js';
import { decodeBase64Length } from './base64.js';
import { stringMapOf, undecodable, type JsonObject } from './values.js';

/** kube's MaxSecretSize, which also bounds a ConfigMap. */
export const MAX_DATA_SIZE = 1024 * 1024;

export function validateDataKeys(map: Record<string, string>, path: FieldPath): field.FieldError[] {
  return Object.keys(map).flatMap((key) => isConfigMapKey(key).map((msg) => field.invalid(path.key(key), key, msg)));
}

/** Decoded sizes of a map of base64 values; an undecodable value is kube's 400 for `kind`. */
export function decodedSizes(kind: string, map: Record<string, string>): number {
  let total = 0;
  for (const value of Object.values(map)) {
    const r = decodeBase64Length(value);
    if (!r.ok) throw undecodable(kind, r.error);
    total += r.byteLength;
  }
  return total;
}

export const textSize = (map: Record<string, string>): number =>
  Object.values(map).reduce((n, v) => n + byteLength(v), 0);

const sameMap = (a: Record<string, string>, b: Record<string, string>): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
};

/** Once `immutable: true` is stored, it stays, and so do the named data fields. */
export function validateImmutableData(obj: JsonObject, old: JsonObject, fields: readonly string[]): field.FieldError[] {
  if (old.immutable !== true) return [];
  const errs: field.FieldError[] = [];
  const msg = 'field is immutable when `immutable` is set';
  if (obj.immutable !== true) errs.push(field.forbidden(FieldPath.of('immutable'), msg));
  for (const f of fields) {
    if (!sameMap(stringMapOf(obj[f]), stringMapOf(old[f]))) errs.push(field.forbidden(FieldPath.of(f), msg));
  }
  return errs;
}
