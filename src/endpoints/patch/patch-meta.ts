import { DefinitionCatalog, type Schema } from '../openapi/schema.js';

/**
 * What a strategic merge patch needs to know about one position of an object:
 * the patch strategy and merge key declared on it (x-kubernetes-patch-strategy
 * and x-kubernetes-patch-merge-key, kube's patchStrategy/patchMergeKey tags),
 * and how to reach the positions below it. kube's LookupPatchMeta answers the
 * same for a parent and a key; here the answer sits on the child.
 *
 * Lookups never fail: a field the schema does not know is a position with no
 * strategy, so its lists are atomic, as kube treats unstructured content.
 */
export interface PatchMeta {
  /**
   * The strategy declared on this position. `patchStrategy` is kube's
   * comma-separated string: "merge", "replace", "retainKeys" or
   * "merge,retainKeys"; none means atomic lists and recursively merged maps.
   */
  strategy(): PatchStrategy;
  /** A field of this object, or a value of this map. */
  child(field: string): PatchMeta;
  /** An element of this list. */
  elem(): PatchMeta;
}

export interface PatchStrategy {
  patchStrategy?: string;
  mergeKey?: string;
}

const NONE: PatchStrategy = Object.freeze({});

/** No schema at all: every list atomic, every map merged key by key. */
export const NO_SCHEMA: PatchMeta = Object.freeze({
  strategy: () => NONE,
  child: () => NO_SCHEMA,
  elem: () => NO_SCHEMA,
});

/**
 * OpenAPI definitions by name ("io.k8s.api.apps.v1.Deployment"), as a v2
 * document's `definitions` or a v3 document's `components.schemas`, or a
 * function that renders one on demand.
 */
export type DefinitionSource = Readonly<Record<string, Schema>> | ((name: string) => Schema | undefined);

const REF_PREFIXES = ['#/definitions/', '#/components/schemas/'];
/** The definition name a v2 or v3 `$ref` points at. */
export const nameOfRef = (ref: string): string => REF_PREFIXES.reduce((r, p) => (r.startsWith(p) ? r.slice(p.length) : r), ref);

export const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Resolves references and memoizes the metas of each resolved schema, so that repeated positions cost one lookup. */
class SchemaResolver {
  private readonly lookup: (name: string) => Schema | undefined;
  private readonly children = new WeakMap<Schema, Map<string, PatchMeta>>();
  private readonly elems = new WeakMap<Schema, PatchMeta>();

  constructor(definitions: DefinitionSource) {
    this.lookup = typeof definitions === 'function' ? definitions : (name) => (Object.hasOwn(definitions, name) ? definitions[name] : undefined);
  }

  /** The schema a property schema stands for: v3's `allOf: [ref]` wrapper unwrapped, then the reference followed. */
  resolve(node: Schema): Schema | undefined {
    let n: Schema = node;
    for (let hops = 0; hops < 8; hops++) {
      if (Array.isArray(n.allOf) && isSchema(n.allOf[0])) n = n.allOf[0];
      else if (typeof n.$ref === 'string') {
        const target = this.lookup(nameOfRef(n.$ref));
        if (!target) return undefined;
        n = target;
      } else return n;
    }
    return undefined;
  }

  /** The meta of a position whose (unresolved) schema is `node`: its own extensions, its target's children. */
  metaOf(node: Schema): PatchMeta {
    const strategy = strategyOf(node);
    const target = this.resolve(node);
    if (!target) return strategy === NONE ? NO_SCHEMA : { strategy: () => strategy, child: () => NO_SCHEMA, elem: () => NO_SCHEMA };
    return { strategy: () => strategy, child: (field) => this.child(target, field), elem: () => this.elem(target) };
  }

  private child(target: Schema, field: string): PatchMeta {
    let cache = this.children.get(target);
    if (!cache) this.children.set(target, (cache = new Map()));
    let meta = cache.get(field);
    if (!meta) {
      const props = isSchema(target.properties) ? target.properties : undefined;
      const prop = props && Object.hasOwn(props, field) ? props[field] : undefined;
      const extra = target.additionalProperties;
      meta = isSchema(prop) ? this.metaOf(prop) : isSchema(extra) ? this.metaOf(extra) : NO_SCHEMA;
      cache.set(field, meta);
    }
    return meta;
  }

  private elem(target: Schema): PatchMeta {
    let meta = this.elems.get(target);
    if (!meta) {
      // A list where the schema has an object stands for a list of that object, as kube's lookup reads it.
      meta = isSchema(target.items)
        ? this.metaOf(target.items)
        : isSchema(target.properties)
          ? { strategy: () => NONE, child: (field) => this.child(target, field), elem: () => this.elem(target) }
          : NO_SCHEMA;
      this.elems.set(target, meta);
    }
    return meta;
  }
}

function strategyOf(node: Schema): PatchStrategy {
  const strategy = node['x-kubernetes-patch-strategy'];
  const key = node['x-kubernetes-patch-merge-key'];
  if (typeof strategy !== 'string' && typeof key !== 'string') return NONE;
  return {
    ...(typeof strategy === 'string' ? { patchStrategy: strategy } : {}),
    ...(typeof key === 'string' ? { mergeKey: key } : {}),
  };
}

/**
 * The patch meta of a definition (`rootRef`: "io.k8s.api.apps.v1.Deployment"
 * or a "#/definitions/..." reference), read from OpenAPI v2 or v3 schemas.
 * An unknown root gives NO_SCHEMA.
 */
export function patchMetaFromOpenAPI(definitions: DefinitionSource, rootRef: string): PatchMeta {
  return new SchemaResolver(definitions).metaOf({ $ref: rootRef.startsWith('#/') ? rootRef : `#/definitions/${rootRef}` });
}

/** The built-in definitions as v2 schemas, rendered once each on first use and shared (patch metas, merge types). */
export interface BuiltinDefinitions {
  catalog: DefinitionCatalog;
  lookup: (name: string) => Schema | undefined;
}
let definitions: BuiltinDefinitions | undefined;

export function builtinDefinitions(): BuiltinDefinitions {
  if (!definitions) {
    const catalog = new DefinitionCatalog();
    const rendered = new Map<string, Schema>();
    const lookup = (name: string): Schema | undefined => {
      if (!catalog.has(name)) return undefined;
      let s = rendered.get(name);
      if (!s) rendered.set(name, (s = catalog.schema(name, 'v2')));
      return s;
    };
    definitions = { catalog, lookup };
  }
  return definitions;
}

interface Builtin {
  catalog: DefinitionCatalog;
  resolver: SchemaResolver;
  roots: Map<string, PatchMeta>;
}
let builtin: Builtin | undefined;

function builtins(): Builtin {
  if (!builtin) {
    const { catalog, lookup } = builtinDefinitions();
    builtin = { catalog, resolver: new SchemaResolver(lookup), roots: new Map() };
  }
  return builtin;
}

/**
 * The patch meta of a built-in definition, from the same schemas /openapi/v2
 * serves (generated models plus the reviewed extensions overlay). Built once
 * per process and shared: the schemas are fixed at build time.
 */
export function builtinPatchMeta(definition: string): PatchMeta {
  const b = builtins();
  let meta = b.roots.get(definition);
  if (!meta) {
    meta = b.catalog.has(definition) ? b.resolver.metaOf({ $ref: `#/definitions/${definition}` }) : NO_SCHEMA;
    b.roots.set(definition, meta);
  }
  return meta;
}

/** The patch meta of a served built-in kind, or NO_SCHEMA for kinds without a built-in definition (custom resources). */
export function builtinPatchMetaForKind(gvk: { group: string; version: string; kind: string }): PatchMeta {
  const name = builtins().catalog.definitionOf(gvk);
  return name ? builtinPatchMeta(name) : NO_SCHEMA;
}
