import { DefinitionCatalog, type Schema } from '../openapi/schema.js';

export type { CustomType, GoPrimitive, KindSchema, StructNode, TypeNode } from '../../apimachinery/type-node.js';
import type { CustomType, KindSchema, StructNode, TypeNode } from '../../apimachinery/type-node.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Types that decode themselves, by definition name. */
const CUSTOM: Readonly<Record<string, CustomType>> = {
  [`${META}Time`]: 'time',
  [`${META}MicroTime`]: 'microtime',
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'intOrString',
  'io.k8s.apimachinery.pkg.runtime.RawExtension': 'raw',
  [`${META}FieldsV1`]: 'raw',
  [`${META}Patch`]: 'raw',
};

const REF_PREFIX = '#/definitions/';

/** Go's name for a definition: its package is the last path segment before the type ("v1", "resource"). */
function goNames(definition: string): { goName: string; goType: string } {
  const parts = definition.split('.');
  const goName = parts[parts.length - 1]!;
  const pkg = parts[parts.length - 2] ?? '';
  return { goName, goType: pkg ? `${pkg}.${goName}` : goName };
}

/** Go's Type.String() of a node, as UnmarshalTypeError prints it. */
export function goTypeString(t: TypeNode): string {
  switch (t.kind) {
    case 'struct':
      return t.goType;
    case 'array':
      return `[]${goTypeString(t.items)}`;
    case 'map':
      return `map[string]${goTypeString(t.values)}`;
    case 'primitive':
      return t.go;
    case 'any':
      return 'interface {}';
    case 'custom':
      return { time: 'v1.Time', microtime: 'v1.MicroTime', quantity: 'resource.Quantity', intOrString: 'intstr.IntOrString', raw: 'runtime.RawExtension' }[t.custom];
  }
}

/** Builds struct nodes lazily from the catalog's v2 schemas, once per definition. */
class SchemaResolver {
  private readonly structs = new Map<string, StructNode>();
  constructor(private readonly catalog: DefinitionCatalog) {}

  definition(name: string): TypeNode {
    const custom = CUSTOM[name];
    if (custom) return { kind: 'custom', custom };
    const cached = this.structs.get(name);
    if (cached) return cached;
    if (!this.catalog.has(name)) return { kind: 'any' };
    const schema = this.catalog.schema(name, 'v2');
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const fields = new Map<string, TypeNode>();
    const node: StructNode = {
      kind: 'struct',
      definition: name,
      ...goNames(name),
      field: (f) => {
        if (!Object.hasOwn(props, f)) return undefined;
        let t = fields.get(f);
        if (!t) {
          t = this.type(props[f]!);
          fields.set(f, t);
        }
        return t;
      },
    };
    this.structs.set(name, node);
    return node;
  }

  private type(s: Schema): TypeNode {
    const ref = typeof s.$ref === 'string' ? s.$ref : undefined;
    if (ref?.startsWith(REF_PREFIX)) return this.definition(ref.slice(REF_PREFIX.length));
    switch (s.type) {
      case 'array':
        return { kind: 'array', items: this.type((s.items ?? {}) as Schema) };
      case 'object':
        return s.additionalProperties && typeof s.additionalProperties === 'object'
          ? { kind: 'map', values: this.type(s.additionalProperties as Schema) }
          : { kind: 'any' };
      case 'string':
        return { kind: 'primitive', go: s.format === 'byte' ? '[]uint8' : 'string' };
      case 'boolean':
        return { kind: 'primitive', go: 'bool' };
      case 'integer':
        return { kind: 'primitive', go: s.format === 'int32' ? 'int32' : 'int64' };
      case 'number':
        return { kind: 'primitive', go: 'float64' };
      default:
        return { kind: 'any' };
    }
  }
}

const catalog = new DefinitionCatalog();
const resolver = new SchemaResolver(catalog);


/** A definition by kube's name, as a decoding schema (for callers that know the name). */
export function schemaForDefinition(definition: string): TypeNode {
  return resolver.definition(definition);
}

/** Go package names of the groups whose types live outside k8s.io/api. */
const OTHER_PACKAGES: Readonly<Record<string, string>> = {
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
};

/**
 * The schema of a built-in kind ("apps/v1", "Deployment"), or undefined for a
 * kind with no built-in definition (a custom resource): nothing is unknown there.
 */
export function schemaForKind(apiVersion: string, kind: string): KindSchema | undefined {
  // The definitions never change while the process runs: every body of a kind asks the same question.
  const key = `${apiVersion}\0${kind}`;
  if (kindSchemas.has(key)) return kindSchemas.get(key);
  const found = lookUpKind(apiVersion, kind);
  // Bodies name any kind they like: the memo stops growing rather than keep every name sent.
  if (kindSchemas.size < MAX_REMEMBERED_KINDS) kindSchemas.set(key, found);
  return found;
}

const MAX_REMEMBERED_KINDS = 1024;
const kindSchemas = new Map<string, KindSchema | undefined>();

function lookUpKind(apiVersion: string, kind: string): KindSchema | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const candidates = [
    catalog.definitionOf({ group, version, kind }),
    // Kinds not (yet) listed in the overlay's KIND_DEFINITIONS: kube's naming convention.
    `${OTHER_PACKAGES[group] ?? `io.k8s.api.${group === '' ? 'core' : group.split('.')[0]}`}.${version}.${kind}`,
  ];
  for (const name of candidates) {
    if (!name || !catalog.has(name)) continue;
    const node = resolver.definition(name);
    if (node.kind === 'struct') return node;
  }
  return undefined;
}
