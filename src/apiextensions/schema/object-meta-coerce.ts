import { schemaForDefinition, type TypeNode } from '../../endpoints/field-validation/schema.js';
import { toTypedValue } from '../../endpoints/field-validation/typed.js';
import { isObject } from './structural.js';

/** The built-in ObjectMeta, from the same definitions the built-ins are decoded with. */
export const OBJECT_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

let objectMetaType: TypeNode | undefined;
export function objectMetaTypeNode(): TypeNode {
  objectMetaType ??= schemaForDefinition(OBJECT_META_DEFINITION);
  return objectMetaType;
}

/**
 * kube's GetObjectMeta + SetObjectMeta on a custom resource's `metadata`
 * (objectmeta/coerce.go): the value is decoded into ObjectMeta and written
 * back, so only ObjectMeta's fields survive and a field of the wrong type is
 * dropped (DropMalformedFields, as on reads). `prefix` is the path of the
 * metadata field ("metadata", "spec.template.metadata"); the unknown fields
 * found there are returned as kube's strict decoder names them.
 */
export function coerceObjectMeta(value: unknown, prefix: string): { meta: unknown; unknownFields: string[] } {
  const type = objectMetaTypeNode();
  const unknownFields: string[] = [];
  collectUnknown(value, type, prefix, unknownFields, 0);
  const meta = toTypedValue(value, type);
  return { meta: meta === undefined ? {} : meta, unknownFields };
}

/** ObjectMeta's types nest a handful of levels; the cap only guards against a cyclic type graph. */
const MAX_META_DEPTH = 32;

function collectUnknown(value: unknown, type: TypeNode, path: string, out: string[], depth: number): void {
  if (depth > MAX_META_DEPTH) return;
  if (Array.isArray(value)) {
    if (type.kind === 'array') value.forEach((item, i) => collectUnknown(item, type.items, `${path}[${i}]`, out, depth + 1));
    return;
  }
  if (!isObject(value)) return;
  if (type.kind === 'struct') {
    for (const key of Object.keys(value)) {
      const field = type.field(key);
      if (!field) out.push(`${path}.${key}`);
      else collectUnknown(value[key], field, `${path}.${key}`, out, depth + 1);
    }
  } else if (type.kind === 'map') {
    for (const key of Object.keys(value)) collectUnknown(value[key], type.values, `${path}.${key}`, out, depth + 1);
  }
}
