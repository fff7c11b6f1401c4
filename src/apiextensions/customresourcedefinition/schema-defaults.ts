/**
 * kube's structuraldefaulting.ValidateDefaults: every `default` reachable
 * through properties and items must survive pruning unchanged (no unknown
 * fields) and validate against its own schema. The schema root counts as an
 * embedded resource, so its apiVersion, kind and metadata are "inside meta"
 * (defaults there are already forbidden by openapi-schema.ts; embedded
 * resources' metadata defaults are checked against their schema only: kube's
 * ObjectMeta coercion of them is not repeated here).
 */
import { type FieldError, invalid } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { displayValue } from './display.js';
import { isPlainObject } from './schema-walk.js';
import type { JSONSchemaProps } from './types.js';
import { validateValue } from './value-validator.js';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);
const embedded = (s: JSONSchemaProps): boolean => s['x-kubernetes-embedded-resource'] === true;
const itemsOf = (s: JSONSchemaProps | undefined): JSONSchemaProps | undefined =>
  s && isPlainObject(s.items) ? (s.items as JSONSchemaProps) : undefined;

export function validateDefaults(root: JSONSchemaProps, path: FieldPath, requirePrunedDefaults: boolean): FieldError[] {
  return walk({ ...root, 'x-kubernetes-embedded-resource': true }, path, false, requirePrunedDefaults);
}

function walk(s: JSONSchemaProps, path: FieldPath, insideMeta: boolean, requirePruned: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (embedded(s)) insideMeta = false;
  if (s.default !== undefined && s.default !== null) {
    const dpath = path.child('default');
    if (!insideMeta && requirePruned && wouldPrune(s.default, s, embedded(s))) {
      errs.push(invalid(dpath, displayValue(s.default), 'must not have unknown fields'));
    }
    errs.push(...validateValue(s.default, s, dpath));
  }
  const items = itemsOf(s);
  if (items) errs.push(...walk(items, path.child('items'), insideMeta, requirePruned));
  if (isPlainObject(s.properties)) {
    for (const [k, p] of Object.entries(s.properties)) {
      if (!isPlainObject(p)) continue;
      const subInsideMeta = insideMeta || (embedded(s) && META_FIELDS.has(k));
      errs.push(...walk(p, path.child('properties').key(k), subInsideMeta, requirePruned));
    }
  }
  return errs;
}

/** True when kube's pruning.Prune would remove something from the value. */
export function wouldPrune(v: unknown, s: JSONSchemaProps | undefined, isResourceRoot: boolean): boolean {
  if (!s) return hasAnyObjectKey(v);
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (Array.isArray(v)) {
    const items = itemsOf(s);
    if (!items && preserve) return false;
    return v.some((x) => wouldPrune(x, items, false));
  }
  if (!isPlainObject(v)) return false;
  const props = isPlainObject(s.properties) ? s.properties : {};
  const ap = s.additionalProperties;
  for (const [k, x] of Object.entries(v)) {
    if ((isResourceRoot || embedded(s)) && META_FIELDS.has(k)) continue;
    const p = Object.hasOwn(props, k) ? props[k] : undefined;
    if (isPlainObject(p)) {
      if (wouldPrune(x, p, false)) return true;
    } else if (ap !== undefined && ap !== null && ap !== false) {
      // additionalProperties: true has no schema: kube prunes below it as under a nil schema.
      if (wouldPrune(x, isPlainObject(ap) ? (ap as JSONSchemaProps) : undefined, false)) return true;
    } else if (!preserve) {
      return true;
    }
  }
  return false;
}

/** Under a nil schema kube empties every object; arrays are searched (iteratively) for one that is not empty. */
function hasAnyObjectKey(v: unknown): boolean {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) stack.push(...x);
    else if (isPlainObject(x) && Object.keys(x).length > 0) return true;
  }
  return false;
}
