/**
 * A CRD version's openAPIV3Schema as the runtime algorithms read it (kube's
 * schema.Structural): parsed once from the JSON the CRD carries, with every
 * field checked for its JSON type, so pruning, defaulting and the type tree
 * never look at raw schema JSON again.
 *
 * The schema has been validated as structural before it gets here, but this
 * parser trusts nothing: a field of the wrong type is ignored, and nesting
 * deeper than MAX_SCHEMA_DEPTH is cut off (the node there is `truncated`:
 * values under it are kept as sent and not validated), so a hostile schema
 * can neither crash nor recurse without bound.
 */

import { setOwnProperty } from '../../apimachinery/own-property.js';

/** The parts of JSONSchemaProps (apiextensions.k8s.io/v1) that the runtime reads. */
export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  nullable?: boolean;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: ValidationRule[];
}

/** One x-kubernetes-validations entry (apiextensions.k8s.io/v1 ValidationRule). */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** Schemas nest at most this deep; kube's CRD validation refuses far less, this only bounds the work. */
export const MAX_SCHEMA_DEPTH = 64;

/** One node of the structural schema. */
export interface Structural {
  /** "object", "array", "string", "integer", "number", "boolean", or "" (int-or-string, preserve-unknown). */
  type: string;
  nullable: boolean;
  /** The default, when the schema gives one (kube ignores a null default). */
  default?: unknown;
  properties: ReadonlyMap<string, Structural>;
  /** A schema for the values of a map; `true` is additionalProperties without a schema. */
  additionalProperties?: Structural | true;
  items?: Structural;
  preserveUnknownFields: boolean;
  embeddedResource: boolean;
  intOrString: boolean;
  listType?: string;
  listMapKeys: readonly string[];
  mapType?: string;
  description?: string;
  format?: string;
  /** The bounds CEL's cost estimate reads (kube's ValueValidation). */
  maxItems?: number;
  maxLength?: number;
  maxProperties?: number;
  /** The longest string in a non-empty enum, in bytes (0 when none is a string): kube's bound for an enum string's length. */
  maxEnumLength?: number;
  /** Required property names: a required property without a default adds to the node's smallest serialization. */
  required?: readonly string[];
  /** x-kubernetes-validations, entries without a string rule dropped. */
  validations: readonly ValidationRule[];
  /** Cut off at MAX_SCHEMA_DEPTH: what lies below is not known. */
  truncated: boolean;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const EMPTY: ReadonlyMap<string, Structural> = new Map();
const EMPTY_RULES: readonly ValidationRule[] = [];

function toRule(raw: unknown): ValidationRule[] {
  if (!isObject(raw) || typeof raw.rule !== 'string') return [];
  const rule: ValidationRule = { rule: raw.rule };
  for (const key of ['message', 'messageExpression', 'reason', 'fieldPath'] as const) {
    const v = str(raw[key]);
    if (v !== undefined) rule[key] = v;
  }
  if (typeof raw.optionalOldSelf === 'boolean') rule.optionalOldSelf = raw.optionalOldSelf;
  return [rule];
}

/** Parses a version's openAPIV3Schema (anything: it is read defensively). */
export function toStructural(schema: unknown): Structural {
  return parse(schema, 0);
}

function parse(raw: unknown, depth: number): Structural {
  const s: Record<string, unknown> = isObject(raw) ? raw : {};
  const node: Structural = {
    type: str(s.type) ?? '',
    nullable: s.nullable === true,
    properties: EMPTY,
    preserveUnknownFields: s['x-kubernetes-preserve-unknown-fields'] === true,
    embeddedResource: s['x-kubernetes-embedded-resource'] === true,
    intOrString: s['x-kubernetes-int-or-string'] === true,
    listMapKeys: Array.isArray(s['x-kubernetes-list-map-keys'])
      ? (s['x-kubernetes-list-map-keys'] as unknown[]).filter((k): k is string => typeof k === 'string')
      : [],
    truncated: false,
    validations: EMPTY_RULES,
  };
  const listType = str(s['x-kubernetes-list-type']);
  if (listType !== undefined) node.listType = listType;
  const mapType = str(s['x-kubernetes-map-type']);
  if (mapType !== undefined) node.mapType = mapType;
  const description = str(s.description);
  if (description !== undefined) node.description = description;
  const format = str(s.format);
  if (format !== undefined) node.format = format;
  for (const bound of ['maxItems', 'maxLength', 'maxProperties'] as const) {
    const n = s[bound];
    if (typeof n === 'number' && Number.isFinite(n)) node[bound] = n;
  }
  if (Array.isArray(s.enum) && s.enum.length > 0) {
    node.maxEnumLength = (s.enum as unknown[]).reduce<number>((m, v) => (typeof v === 'string' ? Math.max(m, Buffer.byteLength(v)) : m), 0);
  }
  if (Array.isArray(s.required)) node.required = (s.required as unknown[]).filter((r): r is string => typeof r === 'string');
  if (Array.isArray(s['x-kubernetes-validations'])) node.validations = (s['x-kubernetes-validations'] as unknown[]).flatMap(toRule);
  if (Object.hasOwn(s, 'default') && s.default !== null && s.default !== undefined) node.default = s.default;

  if (depth >= MAX_SCHEMA_DEPTH) {
    // Below the cap nothing is known: keep values as sent rather than prune what we cannot see.
    node.truncated = true;
    node.preserveUnknownFields = true;
    return node;
  }
  if (isObject(s.properties)) {
    const props = new Map<string, Structural>();
    for (const key of Object.keys(s.properties)) props.set(key, parse(s.properties[key], depth + 1));
    node.properties = props;
  }
  if (isObject(s.additionalProperties)) node.additionalProperties = parse(s.additionalProperties, depth + 1);
  else if (s.additionalProperties === true) node.additionalProperties = true;
  if (isObject(s.items)) node.items = parse(s.items, depth + 1);
  return node;
}

/** The schema of a member of an object: its property, else additionalProperties' schema. */
export function memberSchema(s: Structural | undefined, key: string): Structural | undefined {
  if (!s) return undefined;
  const prop = s.properties.get(key);
  if (prop) return prop;
  return s.additionalProperties === true ? undefined : s.additionalProperties;
}

/** JSON deep copy of a default: a default is never shared between objects. */
export function deepCopyJSON(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopyJSON);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwnProperty(out, k, deepCopyJSON(v[k]));
    return out;
  }
  return v;
}
