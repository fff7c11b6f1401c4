import { pruneNonNullableNulls } from './default.js';
import { coerceObjectMeta } from './object-meta-coerce.js';
import { type Structural, deepCopyJSON, isObject } from './structural.js';

export interface PruneResult {
  /** A pruned copy; the input is not changed. */
  pruned: unknown;
  /** The dropped fields' paths (`spec.foo`, `spec.items[0].bar`, `metadata.foo`), as fieldValidation reports them. */
  unknownFields: string[];
}

/** Fields an embedded resource (and the root) always keeps; metadata is coerced to ObjectMeta instead. */
const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * kube's pruning of a custom resource as its decoder runs it
 * (customresource_handler's unstructuredSchemaCoercer): the root's metadata
 * is coerced to ObjectMeta (its unknown fields reported first), then every
 * field the schema does not specify is dropped (pruning.PruneWithOptions,
 * the root treated as an embedded resource; paths sorted), except under
 * x-kubernetes-preserve-unknown-fields; then non-nullable nulls without a
 * default are dropped (PruneNonNullableNullsWithoutDefaults); then the
 * metadata of embedded resources is coerced to ObjectMeta as well.
 */
export function pruneObject(obj: unknown, schema: Structural): PruneResult {
  const x = deepCopyJSON(obj);
  const metaUnknown: string[] = [];
  if (isObject(x) && Object.hasOwn(x, 'metadata')) {
    const { meta, unknownFields } = coerceObjectMeta(x.metadata, 'metadata');
    x.metadata = meta;
    metaUnknown.push(...unknownFields);
  }
  const root: Structural = schema.embeddedResource ? schema : { ...schema, embeddedResource: true };
  const unknown: string[] = [];
  prune(x, root, '', unknown);
  pruneNonNullableNulls(x, root);
  const embedded: string[] = [];
  coerceEmbedded(x, root, '', embedded, true);
  return { pruned: x, unknownFields: [...metaUnknown, ...unknown.sort(), ...embedded.sort()] };
}

const keyPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/** pruning/algorithm.go's prune; `path` is the parent path ("" at the root). */
function prune(x: unknown, s: Structural | undefined, path: string, out: string[]): void {
  if (s?.preserveUnknownFields) {
    skipPrune(x, s, path, out);
    return;
  }
  if (Array.isArray(x)) {
    // A list without a schema: its objects lose all their fields (kube prunes with a nil schema).
    x.forEach((item, i) => prune(item, s?.items, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(x)) return;
  if (!s) {
    for (const key of Object.keys(x)) {
      out.push(keyPath(path, key));
      delete x[key];
    }
    return;
  }
  for (const key of Object.keys(x)) {
    if (s.embeddedResource && META_FIELDS.has(key)) continue;
    const prop = s.properties.get(key);
    if (prop) prune(x[key], prop, keyPath(path, key), out);
    else if (s.additionalProperties !== undefined) {
      prune(x[key], s.additionalProperties === true ? undefined : s.additionalProperties, keyPath(path, key), out);
    } else {
      if (!META_FIELDS.has(key) || path !== '') out.push(keyPath(path, key));
      delete x[key];
    }
  }
}

/** Under x-kubernetes-preserve-unknown-fields: unknown fields stay, known ones are still pruned inside. */
function skipPrune(x: unknown, s: Structural, path: string, out: string[]): void {
  if (Array.isArray(x)) {
    if (s.items) x.forEach((item, i) => skipPrune(item, s.items!, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(x)) return;
  for (const key of Object.keys(x)) {
    if (s.embeddedResource && META_FIELDS.has(key)) continue;
    const prop = s.properties.get(key);
    if (prop) prune(x[key], prop, keyPath(path, key), out);
    else if (s.additionalProperties !== undefined) {
      prune(x[key], s.additionalProperties === true ? undefined : s.additionalProperties, keyPath(path, key), out);
    }
  }
}

/**
 * objectmeta.Coerce with DropInvalidFields (the root excluded: its metadata
 * was coerced first): in each embedded resource a non-string apiVersion or
 * kind is dropped and metadata becomes ObjectMeta. Paths are field.Path's
 * (map keys in brackets), as kube reports these.
 */
function coerceEmbedded(x: unknown, s: Structural | undefined, path: string, out: string[], root: boolean): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((item, i) => coerceEmbedded(item, s.items, `${path}[${i}]`, out, false));
    return;
  }
  if (!isObject(x)) return;
  if (s.embeddedResource && !root) {
    for (const key of ['apiVersion', 'kind']) if (Object.hasOwn(x, key) && typeof x[key] !== 'string') delete x[key];
    if (Object.hasOwn(x, 'metadata')) {
      const { meta, unknownFields } = coerceObjectMeta(x.metadata, keyPath(path, 'metadata'));
      x.metadata = meta;
      out.push(...unknownFields);
    }
  }
  for (const key of Object.keys(x)) {
    const prop = s.properties.get(key);
    if (prop) coerceEmbedded(x[key], prop, keyPath(path, key), out, false);
    else if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
      coerceEmbedded(x[key], s.additionalProperties, `${path}[${key}]`, out, false);
    }
  }
}
