/**
 * The OpenAPI models of a served CRD version, as kube's CRD OpenAPI builder
 * makes them (apiextensions-apiserver pkg/controller/openapi/builder): the
 * kind's schema from the version's structural schema, plus apiVersion, kind
 * and a metadata reference to ObjectMeta, and the list kind. v3 keeps the
 * schema as written (x-kubernetes-int-or-string unfolded into its anyOf);
 * v2 has no nullable nor the combinators, drops defaults, and describes a
 * preserve-unknown-fields root as a bare object, so kubectl's v2 validation
 * never refuses what the server would keep.
 *
 * The CRD was validated as structural (bounded depth) before it is served,
 * so the recursive walks here are bounded.
 */
import type { OpenAPIModels } from '../../registry/resource-definition.js';
import { isPlainObject } from '../customresourcedefinition/schema-walk.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../customresourcedefinition/types.js';
import { selectableFieldName } from './selectable-fields.js';

type Schema = Record<string, unknown>;
type OpenAPIVersion = 'v2' | 'v3';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';
const API_VERSION_DESCRIPTION = `APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${CONVENTIONS}#resources`;
const KIND_DESCRIPTION = `Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ${CONVENTIONS}#types-kinds`;
const EMBEDDED_API_VERSION_DESCRIPTION = `apiVersion defines the versioned schema of this representation of an object. More info: ${CONVENTIONS}#resources`;
const EMBEDDED_KIND_DESCRIPTION = `kind is a string value representing the type of this object. In CamelCase. More info: ${CONVENTIONS}#types-kinds`;
const OBJECT_META_DESCRIPTION = `Standard object's metadata. More info: ${CONVENTIONS}#metadata`;
const LIST_META_DESCRIPTION = `Standard list metadata. More info: ${CONVENTIONS}#metadata`;

/** kube's model name of a custom kind: the group's labels reversed, then version and kind ("com.example.v1.Gizmo"). */
export const modelName = (group: string, version: string, kind: string): string => `${group.split('.').reverse().join('.')}.${version}.${kind}`;

const refTo = (v: OpenAPIVersion, name: string): Schema => ({ $ref: `${v === 'v2' ? '#/definitions/' : '#/components/schemas/'}${name}` });

/** A described reference: v3 wraps it in allOf (a sibling of $ref is ignored in OpenAPI 3.0), as the built-ins' documents do. */
const describedRef = (v: OpenAPIVersion, name: string, description: string): Schema =>
  v === 'v2' ? { ...refTo(v, name), description } : { allOf: [refTo(v, name)], description };

export function openAPIModelsFor(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion): OpenAPIModels {
  const { group } = crd.spec;
  const names = { ...crd.spec.names, ...(crd.status?.acceptedNames ?? {}) };
  const kind = names.kind ?? crd.spec.names.kind;
  const listKind = names.listKind ?? `${kind}List`;
  const plural = names.plural ?? crd.spec.names.plural;
  const name = modelName(group, version.name, kind);
  const listName = modelName(group, version.name, listKind);
  const raw = version.schema?.openAPIV3Schema;
  // kube's builder lists a version's selectable fields beside its group-version-kind, in both documents.
  const selectable = (version.selectableFields ?? []).map((f) => ({ fieldPath: selectableFieldName(f.jsonPath) }));
  const extensions: Schema = selectable.length ? { 'x-kubernetes-selectable-fields': selectable } : {};
  const build = (v: OpenAPIVersion) => ({
    kind: { ...kindSchema(v, raw, crd.spec.preserveUnknownFields === true, { group, version: version.name, kind }), ...extensions },
    list: listSchema(v, name, { group, version: version.name, kind: listKind }, plural, kind),
  });
  return { name, listName, v2: build('v2'), v3: build('v3') };
}

function kindSchema(v: OpenAPIVersion, raw: unknown, preserveUnknownFields: boolean, gvk: { group: string; version: string; kind: string }): Schema {
  const gvkExt = { 'x-kubernetes-group-version-kind': [{ group: gvk.group, kind: gvk.kind, version: gvk.version }] };
  if (!isPlainObject(raw)) return { type: 'object', ...gvkExt };
  if (v === 'v2' && (raw['x-kubernetes-preserve-unknown-fields'] === true || preserveUnknownFields)) return { type: 'object', ...gvkExt };
  const s = v === 'v2' ? withoutDefaults(toV2(structuredClone(raw))) : unfoldIntOrString(structuredClone(raw));
  const properties: Schema = isPlainObject(s.properties) ? s.properties : {};
  properties.metadata = describedRef(v, `${META}ObjectMeta`, OBJECT_META_DESCRIPTION);
  properties.apiVersion = { description: API_VERSION_DESCRIPTION, type: 'string' };
  properties.kind = { description: KIND_DESCRIPTION, type: 'string' };
  s.properties = properties;
  addEmbeddedProperties(v, s);
  return { ...s, ...gvkExt };
}

function listSchema(v: OpenAPIVersion, itemName: string, gvk: { group: string; version: string; kind: string }, plural: string, kind: string): Schema {
  return {
    description: `${gvk.kind} is a list of ${kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: API_VERSION_DESCRIPTION, type: 'string' },
      items: { description: `List of ${plural}. More info: ${CONVENTIONS}`, type: 'array', items: refTo(v, itemName) },
      kind: { description: KIND_DESCRIPTION, type: 'string' },
      metadata: describedRef(v, `${META}ListMeta`, LIST_META_DESCRIPTION),
    },
    'x-kubernetes-group-version-kind': [{ group: gvk.group, kind: gvk.kind, version: gvk.version }],
  };
}

/** The structural children of a node: properties, items, additionalProperties (not the value validations). */
function children(s: Schema): Schema[] {
  const out: Schema[] = [];
  if (isPlainObject(s.properties)) for (const p of Object.values(s.properties)) if (isPlainObject(p)) out.push(p);
  if (isPlainObject(s.items)) out.push(s.items);
  if (isPlainObject(s.additionalProperties)) out.push(s.additionalProperties);
  return out;
}

/** kube's Unfold: an int-or-string node states its two types as anyOf (or, beside another anyOf, as the first allOf). */
function unfoldIntOrString(s: Schema): Schema {
  for (const c of children(s)) unfoldIntOrString(c);
  if (s['x-kubernetes-int-or-string'] !== true || isIntOrStringPattern(s)) return s;
  const both = [{ type: 'integer' }, { type: 'string' }];
  if (!Array.isArray(s.anyOf)) s.anyOf = both;
  else s.allOf = [{ anyOf: both }, ...(Array.isArray(s.allOf) ? s.allOf : [])];
  return s;
}

const isTypeAlternatives = (alts: unknown): boolean =>
  Array.isArray(alts) && alts.length === 2 && isPlainObject(alts[0]) && alts[0].type === 'integer' && isPlainObject(alts[1]) && alts[1].type === 'string';

function isIntOrStringPattern(s: Schema): boolean {
  if (isTypeAlternatives(s.anyOf)) return true;
  return Array.isArray(s.allOf) && isPlainObject(s.allOf[0]) && isTypeAlternatives(s.allOf[0].anyOf);
}

/** kube's ToStructuralOpenAPIV2: what OpenAPI v2 (and kubectl's v2 validation) cannot say is left out. */
function toV2(s: Schema): Schema {
  // The node first, then its children (kube's visitor order): the required filter reads the children's nullable.
  delete s.allOf;
  delete s.oneOf;
  delete s.anyOf;
  delete s.not;
  if (s.nullable === true) {
    delete s.type;
    delete s.nullable;
    delete s.items;
    delete s.properties;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === true) {
    delete s.items;
    delete s.properties;
    if (s.type === 'object') delete s.type;
  }
  if (s.items === undefined && s.type === 'array') delete s.type;
  // A nullable field may be sent as null, which v2 would count as missing.
  if (isPlainObject(s.properties) && Array.isArray(s.required)) {
    const props = s.properties;
    const required = s.required.filter((f) => !(typeof f === 'string' && isPlainObject(props[f]) && props[f].nullable === true));
    if (required.length === 0) delete s.required;
    else s.required = required;
  }
  if (isPlainObject(s.additionalProperties) && s.additionalProperties.nullable === true) delete s.required;
  for (const c of children(s)) toV2(c);
  return s;
}

/** v2 documents carry no defaults (kube prunes them from the whole v2 spec). */
function withoutDefaults(s: Schema): Schema {
  delete s.default;
  for (const c of children(s)) withoutDefaults(c);
  return s;
}

/** An embedded resource states its apiVersion, kind and metadata, and requires the first two. */
function addEmbeddedProperties(v: OpenAPIVersion, s: Schema): void {
  for (const c of children(s)) addEmbeddedProperties(v, c);
  if (v === 'v2' && s['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (s['x-kubernetes-embedded-resource'] !== true) return;
  const properties: Schema = isPlainObject(s.properties) ? s.properties : {};
  properties.apiVersion = { description: EMBEDDED_API_VERSION_DESCRIPTION, type: 'string' };
  properties.kind = { description: EMBEDDED_KIND_DESCRIPTION, type: 'string' };
  properties.metadata = describedRef(v, `${META}ObjectMeta`, OBJECT_META_DESCRIPTION);
  s.properties = properties;
  const required = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [];
  for (const f of ['kind', 'apiVersion']) if (!required.includes(f)) required.push(f);
  s.required = required;
}
