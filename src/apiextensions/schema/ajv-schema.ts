import { setOwnProperty } from '../../apimachinery/own-property.js';
import { type FormatChecker, formatChecker } from './formats.js';
import { MAX_SCHEMA_DEPTH, isObject } from './structural.js';

/** A JSON schema in the dialect ajv (draft-07) reads. */
export type AjvSchema = Record<string, unknown>;

export interface AjvSchemaResult {
  schema: AjvSchema;
  /** The formats the schema uses that kube validates, by the name the schema gives them. */
  formats: Map<string, FormatChecker>;
}

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/**
 * Translates a CRD version's openAPIV3Schema into the schema ajv compiles,
 * as kube's ConvertJSONSchemaPropsWithPostProcess + StripUnsupportedFormats
 * prepare it for kube-openapi's validator: x-kubernetes-int-or-string is
 * type [integer, string]; exclusiveMaximum/Minimum (OpenAPI 3.0 booleans)
 * become draft-07 numbers; formats kube does not validate, and formats on
 * non-string types, are dropped; so are value validations that are malformed
 * (a pattern that does not compile as an ECMAScript `u` regex, a negative
 * length, a non-positive multipleOf: CRD validation refuses those, and here
 * they simply constrain nothing). Pruning, defaults and the x-kubernetes-*
 * extensions are not ajv's business. Nesting stops at MAX_SCHEMA_DEPTH.
 */
export function toAjvSchema(props: unknown): AjvSchemaResult {
  const formats = new Map<string, FormatChecker>();
  return { schema: convert(props, 0, formats), formats };
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const count = (v: unknown): v is number => num(v) && Number.isInteger(v) && v >= 0;

function convert(raw: unknown, depth: number, formats: Map<string, FormatChecker>): AjvSchema {
  if (!isObject(raw) || depth >= MAX_SCHEMA_DEPTH) return {};
  const out: AjvSchema = {};
  const type = typeof raw.type === 'string' && TYPES.has(raw.type) ? raw.type : undefined;
  if (raw['x-kubernetes-int-or-string'] === true) out.type = ['integer', 'string'];
  else if (type) out.type = type;
  if (raw.nullable === true && out.type !== undefined) out.nullable = true;

  if (typeof raw.format === 'string' && (type === undefined || type === 'string')) {
    const check = formatChecker(raw.format);
    if (check) {
      out.format = raw.format;
      formats.set(raw.format, check);
    }
  }
  if (Array.isArray(raw.enum)) out.enum = raw.enum;
  if (typeof raw.pattern === 'string' && compiles(raw.pattern)) out.pattern = raw.pattern;
  if (num(raw.maximum)) out[raw.exclusiveMaximum === true ? 'exclusiveMaximum' : 'maximum'] = raw.maximum;
  if (num(raw.minimum)) out[raw.exclusiveMinimum === true ? 'exclusiveMinimum' : 'minimum'] = raw.minimum;
  if (num(raw.multipleOf) && raw.multipleOf > 0) out.multipleOf = raw.multipleOf;
  for (const k of ['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'] as const) {
    if (count(raw[k])) out[k] = raw[k];
  }
  if (raw.uniqueItems === true) out.uniqueItems = true;
  if (Array.isArray(raw.required)) {
    const required = raw.required.filter((r): r is string => typeof r === 'string');
    if (required.length > 0) out.required = [...new Set(required)];
  }

  if (isObject(raw.properties)) {
    const properties: AjvSchema = {};
    for (const key of Object.keys(raw.properties)) setOwnProperty(properties, key, convert(raw.properties[key], depth + 1, formats));
    out.properties = properties;
  }
  if (isObject(raw.additionalProperties)) out.additionalProperties = convert(raw.additionalProperties, depth + 1, formats);
  if (isObject(raw.items)) out.items = convert(raw.items, depth + 1, formats);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = raw[k];
    if (Array.isArray(list) && list.length > 0) out[k] = list.map((s) => convert(s, depth + 1, formats));
  }
  if (isObject(raw.not)) out.not = convert(raw.not, depth + 1, formats);
  return out;
}

/** ajv compiles patterns with the `u` flag; one that fails would make the whole schema fail to compile. */
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
