/**
 * How server-side apply sees one position of an object, as
 * structured-merge-diff's schema does: a leaf (scalars, and atomic lists,
 * maps and structs, and untyped content: replaced whole, owned as one field),
 * a granular struct or map (its fields owned and merged one by one), or a
 * list merged by item: a set (items are scalars, owned by value) or a map
 * (items are objects identified by their key fields).
 * Built from OpenAPI schemas (src/endpoints/fieldmanager/merge-types.ts).
 */
export type MergeType = LeafType | StructType | ListType;

export interface LeafType {
  kind: 'leaf';
}

export interface StructType {
  kind: 'struct';
  /** A declared field's type; undefined for a field the schema does not declare. */
  field(name: string): MergeType | undefined;
  /** The type of undeclared keys (additionalProperties); undefined: they are leaves. */
  elem: MergeType | undefined;
}

export interface ListType {
  kind: 'list';
  listType: 'set' | 'map';
  /** x-kubernetes-list-map-keys, for `map`. */
  keys: readonly string[];
  /** A key field's schema default, used when an item leaves that key out (a port's protocol: TCP). */
  keyDefaults: Readonly<Record<string, unknown>>;
  elem(): MergeType;
}

export const LEAF: LeafType = Object.freeze({ kind: 'leaf' });

/** A struct field's type: the declared one, else the struct's element type, else a leaf (content it knows nothing about). */
export function fieldType(t: StructType, name: string): { type: MergeType; declared: boolean } {
  const declared = t.field(name);
  if (declared) return { type: declared, declared: true };
  return { type: t.elem ?? LEAF, declared: false };
}
