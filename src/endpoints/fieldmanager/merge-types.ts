import { LEAF, type ListType, type MergeType, type StructType } from '../../apimachinery/managedfields/merge-type.js';
import type { Schema } from '../openapi/schema.js';
import { builtinDefinitions, isSchema, nameOfRef, type BuiltinDefinitions } from '../patch/patch-meta.js';
import type { GroupVersionKind } from '../openapi/extensions.js';
import type { OpenAPIModels } from '../../registry/resource-definition.js';
import type { TypeNode } from '../../apimachinery/type-node.js';

/**
 * Merge types from OpenAPI schemas, as kube's TypeConverter builds
 * structured-merge-diff schemas from the served OpenAPI: list types and
 * map keys from x-kubernetes-list-type / -list-map-keys (a list without one
 * is atomic), x-kubernetes-map-type atomic maps and structs are leaves,
 * int-or-string and untyped (x-kubernetes-preserve-unknown-fields) content
 * are leaves.
 */

/**
 * Key defaults of built-in list-map items, which kube's OpenAPI declares
 * (`default: "TCP"`) and the generated models here do not carry: an applied
 * port without a protocol is the port with protocol TCP.
 */
const KEY_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
};

export type DefinitionLookup = (name: string) => Schema | undefined;

class Builder {
  private readonly memo = new WeakMap<Schema, MergeType>();

  constructor(private readonly lookup: DefinitionLookup) {}

  /** The schema `node` stands for, with the reference's name (for key defaults). */
  private resolve(node: Schema): { schema: Schema; name?: string } | undefined {
    let n = node;
    let name: string | undefined;
    for (let hops = 0; hops < 8; hops++) {
      if (Array.isArray(n.allOf) && n.allOf.length === 1 && isSchema(n.allOf[0])) n = n.allOf[0];
      else if (typeof n.$ref === 'string') {
        name = nameOfRef(n.$ref);
        const target = this.lookup(name);
        if (!target) return undefined;
        n = target;
      } else return { schema: n, ...(name ? { name } : {}) };
    }
    return undefined;
  }

  typeOf(node: Schema): MergeType {
    const cached = this.memo.get(node);
    if (cached) return cached;
    const t = this.build(node);
    this.memo.set(node, t);
    return t;
  }

  private build(node: Schema): MergeType {
    // Extensions on the property itself (the overlay puts list types beside a $ref's wrapper).
    if (node['x-kubernetes-int-or-string'] === true) return LEAF;
    if (node['x-kubernetes-map-type'] === 'atomic') return LEAF;
    const resolved = this.resolve(node);
    if (!resolved) return LEAF;
    const s = resolved.schema;
    if (s['x-kubernetes-int-or-string'] === true || s['x-kubernetes-map-type'] === 'atomic') return LEAF;
    const listType = node['x-kubernetes-list-type'] ?? s['x-kubernetes-list-type'];
    if (s.type === 'array' || isSchema(s.items)) {
      if ((listType !== 'map' && listType !== 'set') || !isSchema(s.items)) return LEAF;
      const items = s.items;
      const keysRaw = node['x-kubernetes-list-map-keys'] ?? s['x-kubernetes-list-map-keys'];
      const keys = Array.isArray(keysRaw) ? keysRaw.filter((k): k is string => typeof k === 'string') : [];
      if (listType === 'map' && keys.length === 0) return LEAF;
      let elem: MergeType | undefined;
      const item = this.resolve(items);
      const list: ListType = {
        kind: 'list',
        listType,
        keys,
        keyDefaults: item ? keyDefaultsOf(item.schema, item.name) : {},
        elem: () => (elem ??= this.typeOf(items)),
      };
      return list;
    }
    const props = isSchema(s.properties) ? s.properties : undefined;
    const extra = s.additionalProperties;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    if (!props && !isSchema(extra)) return LEAF;
    const fields = new Map<string, MergeType>();
    const elem = isSchema(extra) ? this.typeOf(extra) : preserve ? LEAF : undefined;
    const struct: StructType = {
      kind: 'struct',
      field: (name) => {
        if (!props || !Object.hasOwn(props, name) || !isSchema(props[name])) return undefined;
        let t = fields.get(name);
        if (!t) fields.set(name, (t = this.typeOf(props[name])));
        return t;
      },
      elem,
    };
    return struct;
  }
}

function keyDefaultsOf(item: Schema, name: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(name ? KEY_DEFAULTS[name] : {}) };
  const props = isSchema(item.properties) ? item.properties : {};
  for (const [k, p] of Object.entries(props)) if (isSchema(p) && p.default !== undefined) out[k] = p.default;
  return out;
}

let builtinTypes: { builder: Builder; roots: Map<string, MergeType> } | undefined;

/** The built-in definitions shared with the patch metas, and a builder (with its memo) over them. */
function builtins(): BuiltinDefinitions & NonNullable<typeof builtinTypes> {
  const defs = builtinDefinitions();
  builtinTypes ??= { builder: new Builder(defs.lookup), roots: new Map() };
  return { ...defs, ...builtinTypes };
}

/** A built-in kind's merge type, or undefined when it has no built-in definition. */
export function builtinMergeType(gvk: GroupVersionKind): MergeType | undefined {
  const b = builtins();
  const name = b.catalog.definitionOf(gvk);
  if (!name) return undefined;
  let t = b.roots.get(name);
  if (!t) b.roots.set(name, (t = b.builder.typeOf({ $ref: `#/definitions/${name}` })));
  return t;
}

/** A custom resource's merge type from its OpenAPI v3 models; references to built-ins (ObjectMeta) resolve against them. */
export function modelsMergeType(models: OpenAPIModels): MergeType {
  const b = builtins();
  const own = new Map<string, Schema>([
    [models.name, models.v3.kind],
    [models.listName, models.v3.list],
  ]);
  const lookup: DefinitionLookup = (name) => {
    return own.get(name) ?? b.lookup(name);
  };
  return new Builder(lookup).typeOf(models.v3.kind);
}

/** A kind with no schema at all: metadata typed as ObjectMeta, everything else owned whole. */
export function untypedMergeType(): MergeType {
  const b = builtins();
  const meta = b.builder.typeOf({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
  return { kind: 'struct', field: (name) => (name === 'metadata' ? meta : undefined), elem: LEAF };
}

/**
 * A kind known only by its Go type as a TypeNode (the CRD kind itself, which
 * the generated models lack): structs and maps granular, lists atomic (what
 * kube's schema conversion makes of a list without markers), the rest leaves.
 */
export function typeNodeMergeType(root: TypeNode): MergeType {
  const memo = new WeakMap<object, MergeType>();
  const convert = (t: TypeNode): MergeType => {
    if (t.kind === 'struct') {
      let out = memo.get(t);
      if (!out) {
        const fields = new Map<string, MergeType | undefined>();
        const s: StructType = {
          kind: 'struct',
          field: (name) => {
            if (!fields.has(name)) {
              const f = t.field(name);
              fields.set(name, f ? convert(f) : undefined);
            }
            return fields.get(name);
          },
          elem: undefined,
        };
        memo.set(t, (out = s));
      }
      return out;
    }
    if (t.kind === 'map') return { kind: 'struct', field: () => undefined, elem: convert(t.values) };
    return LEAF;
  };
  return convert(root);
}
