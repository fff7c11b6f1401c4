import { compileForMatching } from '../customresourcedefinition/go-regexp.js';
import { type FormatChecker, formatChecker } from './formats.js';
import { MAX_SCHEMA_DEPTH, isObject } from './structural.js';

/**
 * A schema node as kube-openapi's validator reads it, prepared once per CRD
 * version (kube's ConvertJSONSchemaPropsWithPostProcess plus
 * StripUnsupportedFormats): x-kubernetes-int-or-string is the type list
 * [integer, string]; formats kube does not validate, and formats on
 * non-string types, are dropped; a pattern that does not compile (CRD
 * validation refuses it) or cannot be run safely constrains nothing, as
 * does any other malformed value validation. Nesting
 * stops at MAX_SCHEMA_DEPTH: below it a node validates nothing.
 */
export interface ValueSchema {
  /** Accepted types; empty for none declared. */
  types: readonly string[];
  nullable: boolean;
  format?: { name: string; check: FormatChecker };
  enum?: readonly unknown[];
  pattern?: { source: string; re: RegExp };
  maximum?: number;
  exclusiveMaximum: boolean;
  minimum?: number;
  exclusiveMinimum: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minItems?: number;
  uniqueItems: boolean;
  maxProperties?: number;
  minProperties?: number;
  required: readonly string[];
  properties?: ReadonlyMap<string, ValueSchema>;
  additionalProperties?: ValueSchema;
  items?: ValueSchema;
  allOf: readonly ValueSchema[];
  anyOf: readonly ValueSchema[];
  oneOf: readonly ValueSchema[];
  not?: ValueSchema;
  /** x-kubernetes-list-type and -map-keys: how ratcheting pairs a list's items with the old ones. */
  listType?: string;
  listMapKeys: readonly string[];
}

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const INT_OR_STRING = ['integer', 'string'] as const;
const NONE: readonly never[] = [];

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const count = (v: unknown): v is number => num(v) && Number.isInteger(v) && v >= 0;

/** Compiles the value validations of a version's openAPIV3Schema (read defensively: anything goes in). */
export function toValueSchema(raw: unknown): ValueSchema {
  return convert(raw, 0, new Map());
}

function convert(raw: unknown, depth: number, patterns: Map<string, RegExp | null>): ValueSchema {
  const node: ValueSchema = {
    types: NONE,
    nullable: false,
    exclusiveMaximum: false,
    exclusiveMinimum: false,
    uniqueItems: false,
    required: NONE,
    allOf: NONE,
    anyOf: NONE,
    oneOf: NONE,
    listMapKeys: NONE,
  };
  if (!isObject(raw) || depth >= MAX_SCHEMA_DEPTH) return node;
  const type = typeof raw.type === 'string' && TYPES.has(raw.type) ? raw.type : undefined;
  if (raw['x-kubernetes-int-or-string'] === true) node.types = INT_OR_STRING;
  else if (type) node.types = [type];
  node.nullable = raw.nullable === true;

  if (typeof raw.format === 'string' && (type === undefined || type === 'string')) {
    const check = formatChecker(raw.format);
    if (check) node.format = { name: raw.format, check };
  }
  if (Array.isArray(raw.enum)) node.enum = raw.enum;
  if (typeof raw.pattern === 'string') {
    const re = compilePattern(raw.pattern, patterns);
    if (re) node.pattern = { source: raw.pattern, re };
  }
  if (num(raw.maximum)) node.maximum = raw.maximum;
  node.exclusiveMaximum = raw.exclusiveMaximum === true;
  if (num(raw.minimum)) node.minimum = raw.minimum;
  node.exclusiveMinimum = raw.exclusiveMinimum === true;
  if (num(raw.multipleOf) && raw.multipleOf > 0) node.multipleOf = raw.multipleOf;
  if (count(raw.maxLength)) node.maxLength = raw.maxLength;
  if (count(raw.minLength)) node.minLength = raw.minLength;
  if (count(raw.maxItems)) node.maxItems = raw.maxItems;
  if (count(raw.minItems)) node.minItems = raw.minItems;
  if (count(raw.maxProperties)) node.maxProperties = raw.maxProperties;
  if (count(raw.minProperties)) node.minProperties = raw.minProperties;
  node.uniqueItems = raw.uniqueItems === true;
  if (Array.isArray(raw.required)) node.required = [...new Set(raw.required.filter((r): r is string => typeof r === 'string'))];

  if (isObject(raw.properties)) {
    const properties = new Map<string, ValueSchema>();
    for (const key of Object.keys(raw.properties)) properties.set(key, convert(raw.properties[key], depth + 1, patterns));
    node.properties = properties;
  }
  if (isObject(raw.additionalProperties)) node.additionalProperties = convert(raw.additionalProperties, depth + 1, patterns);
  if (isObject(raw.items)) node.items = convert(raw.items, depth + 1, patterns);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = raw[k];
    if (Array.isArray(list)) node[k] = list.map((s) => convert(s, depth + 1, patterns));
  }
  if (isObject(raw.not)) node.not = convert(raw.not, depth + 1, patterns);
  if (typeof raw['x-kubernetes-list-type'] === 'string') node.listType = raw['x-kubernetes-list-type'];
  const mapKeys = raw['x-kubernetes-list-map-keys'];
  if (Array.isArray(mapKeys)) node.listMapKeys = mapKeys.filter((k): k is string => typeof k === 'string');
  return node;
}

/**
 * One RegExp per distinct pattern (large schemas repeat the same few
 * thousands of times), compiled by the CRD validation's Go-syntax matcher:
 * V8's linear engine when the process enables it (RE2's guarantee: no
 * catastrophic backtracking on a hostile value), otherwise a backtracking
 * RegExp only for patterns without a quantified group; a pattern that
 * cannot be run safely constrains nothing.
 */
function compilePattern(source: string, cache: Map<string, RegExp | null>): RegExp | undefined {
  let re = cache.get(source);
  if (re === undefined) {
    re = compileForMatching(source) ?? null;
    cache.set(source, re);
  }
  return re ?? undefined;
}
