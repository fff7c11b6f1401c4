import type { StructNode, TypeNode } from '../../endpoints/field-validation/schema.js';
import { objectMetaTypeNode } from './object-meta-coerce.js';
import type { Structural } from './structural.js';

export interface TypeNodeNames {
  /** Stands in for a definition name ("com.example.v1.Widget"). */
  definition: string;
  /** The kind, as Go error texts would name the struct ("Widget"). */
  kind: string;
}

const ANY: TypeNode = { kind: 'any' };
const STRING: TypeNode = { kind: 'primitive', go: 'string' };

/**
 * The schema as field-validation's TypeNode, so strict unknown/duplicate
 * field detection reads a custom resource as it reads a built-in: objects
 * with properties are structs (x-kubernetes-preserve-unknown-fields makes
 * every other key `any`), additionalProperties a map, int-or-string the
 * IntOrString custom type, and every embedded resource (the root included)
 * knows apiVersion, kind and ObjectMeta's metadata. What TypeNode cannot say
 * (nullable, additionalProperties without a schema) is read as `any`,
 * which is lenient. Struct fields are built on first use.
 */
export function toTypeNode(s: Structural, names: TypeNodeNames): TypeNode {
  return node({ ...s, embeddedResource: true }, names, names.definition, names.kind);
}

function node(s: Structural, names: TypeNodeNames, definition: string, goName: string): TypeNode {
  if (s.intOrString) return { kind: 'custom', custom: 'intOrString' };
  if (s.truncated) return ANY;
  switch (s.type) {
    case 'array':
      return { kind: 'array', items: s.items ? node(s.items, names, `${definition}.items`, goName) : ANY };
    case 'string':
      return STRING;
    case 'boolean':
      return { kind: 'primitive', go: 'bool' };
    case 'integer':
      return { kind: 'primitive', go: 'int64' };
    case 'number':
      return { kind: 'primitive', go: 'float64' };
    case 'object':
    case '':
      return objectNode(s, names, definition, goName);
    default:
      return ANY;
  }
}

function objectNode(s: Structural, names: TypeNodeNames, definition: string, goName: string): TypeNode {
  if (s.additionalProperties !== undefined && s.properties.size === 0 && !s.embeddedResource) {
    return s.additionalProperties === true ? ANY : { kind: 'map', values: node(s.additionalProperties, names, `${definition}.values`, goName) };
  }
  // No properties and anything kept (or no type at all): nothing can be unknown below.
  if ((s.preserveUnknownFields || s.type === '') && s.properties.size === 0 && !s.embeddedResource) return ANY;
  const fields = new Map<string, TypeNode>();
  let values: TypeNode | undefined;
  // An embedded resource with additionalProperties: its other keys are the map's values.
  const additional = (): TypeNode | undefined => {
    if (s.additionalProperties === undefined) return undefined;
    values ??= s.additionalProperties === true ? ANY : node(s.additionalProperties, names, `${definition}.values`, goName);
    return values;
  };
  const struct: StructNode = {
    kind: 'struct',
    definition,
    goName,
    goType: `unstructured.${goName}`,
    field: (f) => {
      // An embedded resource's apiVersion, kind and metadata are always ObjectMeta's, whatever the schema says.
      if (s.embeddedResource && (f === 'apiVersion' || f === 'kind')) return STRING;
      if (s.embeddedResource && f === 'metadata') return objectMetaTypeNode();
      const cached = fields.get(f);
      if (cached) return cached;
      const prop = s.properties.get(f);
      // Other keys are not memoized one by one: they come from request bodies.
      if (!prop) return additional() ?? (s.preserveUnknownFields ? ANY : undefined);
      const t = node(prop, names, `${definition}.${f}`, goName);
      fields.set(f, t);
      return t;
    },
  };
  return struct;
}
