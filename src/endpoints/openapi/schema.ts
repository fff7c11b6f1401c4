import {
  ATOMIC_STRUCTS,
  conventionDescription,
  FIELD_EXTENSIONS,
  FIELD_TYPES,
  KIND_DEFINITIONS,
  PRIMITIVES,
  type FieldExtensions,
  type GroupVersionKind,
} from './extensions.js';
import { k8sModels } from './generated/k8s-models.js';
import { isRef, type ModelDefinition, type ModelTable, type ModelType } from './model.js';

export type OpenAPIVersion = 'v2' | 'v3';
/** A JSON (OpenAPI) schema object. */
export type Schema = Record<string, unknown>;

export const refPrefix = (v: OpenAPIVersion): string => (v === 'v2' ? '#/definitions/' : '#/components/schemas/');
export const refTo = (v: OpenAPIVersion, name: string): Schema => ({ $ref: `${refPrefix(v)}${name}` });

/**
 * The built-in definitions (generated models + overlay), rendered as OpenAPI v2
 * or v3 schemas. Stateless apart from the tables it reads.
 */
export class DefinitionCatalog {
  constructor(private readonly models: ModelTable = k8sModels) {}

  has(name: string): boolean {
    return name in this.models || name in PRIMITIVES;
  }

  /** The definition a served kind is described by, when it is a built-in one. */
  definitionOf(gvk: GroupVersionKind): string | undefined {
    for (const [name, k] of Object.entries(KIND_DEFINITIONS)) {
      if (k.group === gvk.group && k.version === gvk.version && k.kind === gvk.kind && this.has(name)) return name;
    }
    return undefined;
  }

  /** The roots and every definition they reference, sorted. Unknown names are dropped. */
  closure(roots: Iterable<string>): string[] {
    const seen = new Set<string>();
    const queue = [...roots];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (seen.has(name) || !this.has(name)) continue;
      seen.add(name);
      const model = this.models[name];
      if (!model) continue;
      for (const field of Object.keys(model.properties)) collectRefs(this.fieldType(name, model, field), queue);
    }
    return [...seen].sort();
  }

  /** One definition as a schema; `gvks` becomes its x-kubernetes-group-version-kind. */
  schema(name: string, v: OpenAPIVersion, gvks?: GroupVersionKind[]): Schema {
    const gvkExt = gvks && gvks.length > 0 ? { 'x-kubernetes-group-version-kind': gvks.map(({ group, kind, version }) => ({ group, kind, version })) } : {};
    const primitive = PRIMITIVES[name];
    if (primitive) return { description: primitive.description, ...primitive[v] };
    const model = this.models[name];
    if (!model) throw new Error(`no definition ${name}`);
    const properties: Record<string, Schema> = {};
    const kind = KIND_DEFINITIONS[name]?.kind;
    for (const [field, prop] of Object.entries(model.properties)) {
      const description = prop.description ?? (kind ? conventionDescription(kind, field) : undefined);
      properties[field] = propertySchema(this.fieldType(name, model, field), description, FIELD_EXTENSIONS[name]?.[field] ?? {}, v);
    }
    return {
      ...(model.description ? { description: model.description } : {}),
      ...(model.required ? { required: [...model.required] } : {}),
      type: 'object',
      properties,
      ...(ATOMIC_STRUCTS.has(name) ? { 'x-kubernetes-map-type': 'atomic' } : {}),
      ...gvkExt,
    };
  }

  /** A field's type after the overlay's corrections. */
  private fieldType(name: string, model: ModelDefinition, field: string): ModelType {
    const prop = model.properties[field]!;
    return FIELD_TYPES[name]?.[field] ?? stripDescription(prop);
  }
}

function stripDescription(p: ModelType & { description?: string }): ModelType {
  const { description: _d, ...t } = p;
  return t as ModelType;
}

function collectRefs(t: ModelType, into: string[]): void {
  if (isRef(t)) into.push(t.ref);
  else if (t.type === 'array') collectRefs(t.items, into);
  else if (t.type === 'object' && t.additionalProperties) collectRefs(t.additionalProperties, into);
}

function typeSchema(t: ModelType, v: OpenAPIVersion): Schema {
  if (isRef(t)) return refTo(v, t.ref);
  if (t.type === 'array') return { type: 'array', items: typeSchema(t.items, v) };
  if (t.type === 'object') return t.additionalProperties ? { type: 'object', additionalProperties: typeSchema(t.additionalProperties, v) } : { type: 'object' };
  return t.format ? { type: t.type, format: t.format } : { type: t.type };
}

/**
 * A property. A described reference is written as kube writes it: v2 puts the
 * description beside `$ref`; v3 wraps the reference in `allOf` so that the
 * description is not a sibling that OpenAPI 3.0 would ignore.
 */
function propertySchema(t: ModelType, description: string | undefined, ext: FieldExtensions, v: OpenAPIVersion): Schema {
  const desc = description ? { description } : {};
  if (isRef(t) && v === 'v3' && (description || Object.keys(ext).length > 0)) return { allOf: [refTo(v, t.ref)], ...desc, ...ext };
  return { ...desc, ...typeSchema(t, v), ...ext };
}
