/**
 * kube's SchemaHas and the "ratchets" built on it: on update, a rule the old
 * CRD already broke is not enforced again, so a CRD stored under older rules
 * can still be edited. Iterative, so an old object cannot overflow the stack.
 */
import { FieldPath } from '../../apimachinery/validation/path.js';
import type { InternalSpec } from './internal.js';
import { OPENAPI_V3_TYPES } from './openapi-schema.js';
import { wouldPrune } from './schema-defaults.js';
import { checkSchemaShape, childSchemas, isPlainObject } from './schema-walk.js';
import { newStructuralError, validateStructural } from './structural.js';
import type { JSONSchemaProps } from './types.js';

const ROOT = FieldPath.of('');

/** True if pred holds at some node of the schema (every subschema position, as kube's SchemaHas). */
export function schemaHas(root: JSONSchemaProps | undefined, pred: (s: JSONSchemaProps) => boolean): boolean {
  if (!isPlainObject(root)) return false;
  const stack: JSONSchemaProps[] = [root];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (pred(s)) return true;
    for (const [child] of childSchemas(s, ROOT)) if (isPlainObject(child)) stack.push(child as JSONSchemaProps);
  }
  return false;
}

/** Every schema of the spec: the top-level one and each version's. */
export function specSchemas(spec: InternalSpec): JSONSchemaProps[] {
  const out: JSONSchemaProps[] = [];
  if (isPlainObject(spec.validation?.openAPIV3Schema)) out.push(spec.validation!.openAPIV3Schema!);
  for (const v of spec.versions) if (isPlainObject(v.schema?.openAPIV3Schema)) out.push(v.schema!.openAPIV3Schema!);
  return out;
}

export const hasSchemaWith = (spec: InternalSpec, pred: (s: JSONSchemaProps) => boolean): boolean =>
  specSchemas(spec).some((s) => pred(s));

const hasDefault = (s: JSONSchemaProps): boolean => s.default !== undefined && s.default !== null;

export const specHasDefaults = (spec: InternalSpec): boolean => hasSchemaWith(spec, (s) => schemaHas(s, hasDefault));

export function specHasKubernetesExtensions(spec: InternalSpec): boolean {
  return hasSchemaWith(spec, (root) =>
    schemaHas(root, (s) =>
      s['x-kubernetes-embedded-resource'] === true ||
      (s['x-kubernetes-preserve-unknown-fields'] !== undefined && s['x-kubernetes-preserve-unknown-fields'] !== null) ||
      s['x-kubernetes-int-or-string'] === true ||
      (Array.isArray(s['x-kubernetes-list-map-keys']) && s['x-kubernetes-list-map-keys'].length > 0) ||
      (s['x-kubernetes-list-type'] !== undefined && s['x-kubernetes-list-type'] !== null) ||
      (Array.isArray(s['x-kubernetes-validations']) && s['x-kubernetes-validations'].length > 0),
    ),
  );
}

export function allVersionsSpecifyOpenAPISchema(spec: InternalSpec): boolean {
  if (isPlainObject(spec.validation?.openAPIV3Schema)) return true;
  return spec.versions.every((v) => isPlainObject(v.schema?.openAPIV3Schema));
}

export const specHasInvalidTypes = (spec: InternalSpec): boolean =>
  hasSchemaWith(spec, (root) => schemaHas(root, (s) => typeof s.type === 'string' && s.type.length > 0 && !OPENAPI_V3_TYPES.includes(s.type)));

/** A schema too deep or malformed to check counts as non-structural (it could not be validated today). */
export function schemaIsNonStructural(s: JSONSchemaProps): boolean {
  if (checkSchemaShape(s, ROOT).errors.length > 0) return true;
  return newStructuralError(s) !== undefined || validateStructural(s, ROOT).length > 0;
}

export const specHasNonStructuralSchema = (spec: InternalSpec): boolean => hasSchemaWith(spec, schemaIsNonStructural);

/** Some default that pruning would change (only meaningful for structural schemas, as in kube). */
export function specHasUnprunedDefaults(spec: InternalSpec): boolean {
  return hasSchemaWith(spec, (root) => {
    if (!schemaHas(root, hasDefault) || schemaIsNonStructural(root)) return false;
    return schemaHas(root, (s) => hasDefault(s) && wouldPrune(s.default, s, s['x-kubernetes-embedded-resource'] === true));
  });
}

export function specHasNonAtomicSetType(spec: InternalSpec): boolean {
  return hasSchemaWith(spec, (root) =>
    schemaHas(root, (s) => {
      if (s['x-kubernetes-list-type'] !== 'set' || !isPlainObject(s.items)) return false;
      const is = s.items as JSONSchemaProps;
      if (is.type === 'array') return is['x-kubernetes-list-type'] !== undefined && is['x-kubernetes-list-type'] !== null && is['x-kubernetes-list-type'] !== 'atomic';
      if (is.type === 'object') return is['x-kubernetes-map-type'] !== 'atomic';
      return false;
    }),
  );
}

export function specHasInvalidMapListKeysMapSet(spec: InternalSpec): boolean {
  return hasSchemaWith(spec, (root) =>
    schemaHas(root, (s) => {
      const listType = s['x-kubernetes-list-type'];
      if ((listType !== 'set' && listType !== 'map') || !isPlainObject(s.items)) return false;
      const items = s.items as JSONSchemaProps;
      if (items.nullable === true) return true;
      if (listType !== 'map') return false;
      const required = new Set(Array.isArray(items.required) ? items.required : []);
      const props = isPlainObject(items.properties) ? items.properties : {};
      return (Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'] : []).some((k) => {
        const p = Object.hasOwn(props, k) ? props[k] : undefined;
        return p !== undefined && ((!required.has(k) && !hasDefault(p)) || p.nullable === true);
      });
    }),
  );
}
