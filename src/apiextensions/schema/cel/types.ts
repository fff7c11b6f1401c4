/**
 * The static types of CEL expressions as the checker (checker.ts) reasons
 * about them, and a schema node's type as kube's SchemaDeclType gives it.
 * @bufbuild/cel evaluates but does not type-check, so these are ours.
 */
import type { Structural } from '../structural.js';

export type PrimitiveName = 'int' | 'uint' | 'double' | 'string' | 'bool' | 'bytes' | 'null_type' | 'duration' | 'timestamp';

/**
 * A CEL type. `size` is kube's DeclType.MaxElements for a schema node's type:
 * the most elements (list, map) or bytes (string, int-or-string) a value may
 * hold; absent is 0 (kube's number, bool, object and map-key types). The cost
 * estimate (cost.ts) reads it.
 */
export type CelT =
  | { kind: 'prim'; name: PrimitiveName; size?: number }
  | { kind: 'dyn'; size?: number }
  | { kind: 'list'; elem: CelT; size?: number }
  | { kind: 'map'; key: CelT; value: CelT; size?: number }
  | { kind: 'object'; name: string; fields: ReadonlyMap<string, CelT>; size?: number }
  | { kind: 'type' }
  | { kind: 'param'; name: string }
  /** A type known only by name (kubernetes.Quantity, net.IP), or optional_type(T) with its one parameter. */
  | { kind: 'opaque'; name: string; params: readonly CelT[] };

export const DYN: CelT = { kind: 'dyn' };
export const prim = (name: PrimitiveName, size?: number): CelT => (size === undefined ? { kind: 'prim', name } : { kind: 'prim', name, size });
export const INT = prim('int');
export const BOOL = prim('bool');
export const STRING = prim('string');
export const DOUBLE = prim('double');
export const NULL = prim('null_type');
export const listOf = (elem: CelT, size?: number): CelT => (size === undefined ? { kind: 'list', elem } : { kind: 'list', elem, size });
export const opaque = (name: string, ...params: CelT[]): CelT => ({ kind: 'opaque', name, params });
export const OPTIONAL = 'optional_type';
export const optionalOf = (t: CelT): CelT => opaque(OPTIONAL, t);
export const isOptional = (t: CelT | undefined): t is Extract<CelT, { kind: 'opaque' }> => t?.kind === 'opaque' && t.name === OPTIONAL;
export const mapOf = (key: CelT, value: CelT, size?: number): CelT =>
  size === undefined ? { kind: 'map', key, value } : { kind: 'map', key, value, size };

/** cel-go's rendering of a type in messages: `list(int)`, `map(string, dyn)`. */
export function typeString(t: CelT): string {
  switch (t.kind) {
    case 'prim':
      return t.name === 'duration' ? 'google.protobuf.Duration' : t.name === 'timestamp' ? 'google.protobuf.Timestamp' : t.name;
    case 'dyn':
      return 'dyn';
    case 'list':
      return `list(${typeString(t.elem)})`;
    case 'map':
      return `map(${typeString(t.key)}, ${typeString(t.value)})`;
    case 'object':
      return t.name;
    case 'type':
      return 'type';
    case 'param':
      return t.name;
    case 'opaque':
      return t.params.length === 0 ? t.name : `${t.name}(${t.params.map(typeString).join(', ')})`;
  }
}

/**
 * Parses a signature type (`list(A)`, `map(K, V)`, `int`); one capital
 * letter is a type parameter. Used only on the library tables.
 */
export function parseType(src: string): CelT {
  const s = src.trim();
  if (/^[A-Z]$/.test(s)) return { kind: 'param', name: s };
  if (s === 'dyn') return DYN;
  if (s === 'type') return { kind: 'type' };
  const m = /^(list|map|optional)\((.*)\)$/.exec(s);
  if (m) {
    const args = splitTop(m[2]!).map(parseType);
    return m[1] === 'list' ? listOf(args[0]!) : m[1] === 'map' ? mapOf(args[0]!, args[1]!) : optionalOf(args[0]!);
  }
  // kube's library types: kubernetes.Quantity, kubernetes.URL, kubernetes.NamedFormat, net.IP, net.CIDR.
  if (s.includes('.')) return opaque(s);
  return prim(s as PrimitiveName);
}

/** Splits on commas outside parentheses. */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (s.slice(start).trim() !== '') out.push(s.slice(start));
  return out;
}

/** kube's maxRequestSizeBytes: no list, map or string can hold more than fits in a request. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import',
  'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/**
 * kube's cel.Escape: a property name as a CEL field name (`foo-bar` is
 * `foo__dash__bar`), or undefined for a name CEL cannot spell (such a
 * property is left out of the type).
 */
export function escapeFieldName(name: string): string | undefined {
  // Schema property names are few and met on every object: remember them (bounded).
  if (escaped.has(name)) return escaped.get(name);
  const out = escapeUncached(name);
  if (escaped.size >= MAX_ESCAPED) escaped.clear();
  escaped.set(name, out);
  return out;
}

const escaped = new Map<string, string | undefined>();
const MAX_ESCAPED = 4096;

function escapeUncached(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  return name.replace(/__|[./-]/g, (m) => (m === '__' ? '__underscores__' : m === '.' ? '__dot__' : m === '-' ? '__dash__' : '__slash__'));
}

/** kube's DefaultMaxRequestSizeBytes - 2: an unbounded string's (or int-or-string's) estimated length. */
const MAX_STRING_LENGTH_PER_REQUEST = MAX_REQUEST_SIZE_BYTES - 2;

const minSizes = new WeakMap<Structural, number | undefined>();

/**
 * kube's DeclType.MinSerializedSize: the smallest JSON a value of the node
 * serializes to ("" 2, true 4, a digit 1, [] and {} 2, an object 2 plus each
 * required property without a default as `"name":value,`). Undefined where
 * kube's SchemaDeclType has no type (a node without type, an array without
 * items): such a property adds nothing.
 */
export function minSerializedSize(s: Structural): number | undefined {
  if (minSizes.has(s)) return minSizes.get(s);
  const size = minSerializedSizeUncached(s);
  minSizes.set(s, size);
  return size;
}

function minSerializedSizeUncached(s: Structural): number | undefined {
  if (s.intOrString) return 1;
  switch (s.type) {
    case 'array':
      return s.items ? 2 : undefined;
    case 'object': {
      if (s.additionalProperties !== undefined && s.additionalProperties !== true) return minSerializedSize(s.additionalProperties) === undefined ? undefined : 2;
      let size = 2;
      for (const name of new Set(s.required ?? [])) {
        const prop = s.properties.get(name);
        const min = prop ? minSerializedSize(prop) : undefined;
        if (prop && min !== undefined && prop.default === undefined) size += Buffer.byteLength(name) + min + 4;
      }
      return size;
    }
    case 'string':
      return s.format === 'duration' ? 3 : s.format === 'date' ? 12 : s.format === 'date-time' ? 21 : 2;
    case 'boolean':
      return 4;
    case 'integer':
    case 'number':
      return 1;
    default:
      return undefined;
  }
}

/** kube's estimated length of a string node (estimateMaxStringLengthPerRequest and friends). */
function maxStringLength(s: Structural): number {
  // An int-or-string is bounded only by the request (kube 1.32 ignores its maxLength here).
  if (s.intOrString) return MAX_STRING_LENGTH_PER_REQUEST;
  switch (s.format) {
    case 'byte':
      return s.maxLength !== undefined ? Math.max(0, s.maxLength) : MAX_STRING_LENGTH_PER_REQUEST;
    case 'duration':
    case 'date-time':
      return 32;
    case 'date':
      return 12;
  }
  // maxLength counts code points; a code point takes up to 4 bytes.
  if (s.maxLength !== undefined) return Math.max(0, s.maxLength) * 4;
  return s.maxEnumLength ?? MAX_STRING_LENGTH_PER_REQUEST;
}

/** kube's estimateMaxArrayItemsFromMinSize / estimateMaxAdditionalPropertiesFromMinSize, or the schema's own bound. */
function maxElements(bound: number | undefined, elem: Structural | undefined, perElement: number): number {
  if (bound !== undefined) return Math.max(0, bound);
  return Math.floor(MAX_STRING_LENGTH_PER_REQUEST / ((elem ? minSerializedSize(elem) ?? 1 : 1) + perElement));
}

/**
 * kube's SchemaDeclType: the CEL type of a value of schema node `s`. Objects
 * with properties are object types of their (escaped) properties; the root and
 * embedded resources always have apiVersion, kind and metadata (name and
 * generateName only); maps of additionalProperties are map(string, V);
 * int-or-string and preserve-unknown-fields nodes without properties are dyn.
 */
export function schemaDeclType(s: Structural, name: string, isResourceRoot: boolean): CelT {
  if (s.intOrString) return { kind: 'dyn', size: maxStringLength(s) };
  switch (s.type) {
    case 'array':
      // Each item needs a comma, the map's entries `"":` and a comma besides.
      return s.items ? listOf(schemaDeclType(s.items, `${name}.@idx`, false), maxElements(s.maxItems, s.items, 1)) : listOf(DYN);
    case 'object': {
      if (s.additionalProperties !== undefined && s.properties.size === 0) {
        const v = s.additionalProperties === true ? DYN : schemaDeclType(s.additionalProperties, `${name}.@elem`, false);
        return mapOf(STRING, v, maxElements(s.maxProperties, s.additionalProperties === true ? undefined : s.additionalProperties, 6));
      }
      const resource = isResourceRoot || s.embeddedResource;
      if (s.properties.size === 0 && s.preserveUnknownFields && !resource) return DYN;
      const fields = new Map<string, CelT>();
      for (const [prop, sub] of s.properties) {
        const escaped = escapeFieldName(prop);
        if (escaped !== undefined) fields.set(escaped, schemaDeclType(sub, `${name}.${escaped}`, false));
      }
      if (resource) {
        fields.set('apiVersion', prim('string', MAX_STRING_LENGTH_PER_REQUEST));
        fields.set('kind', prim('string', MAX_STRING_LENGTH_PER_REQUEST));
        const meta = s.properties.get('metadata');
        // kube's cappedLengthStringType: maxLength the smaller of the schema's and the name limit, then 4 bytes a code point.
        const cap = (p: string, max: number): CelT => prim('string', Math.max(0, Math.min(max, meta?.properties.get(p)?.maxLength ?? max)) * 4);
        fields.set('metadata', { kind: 'object', name: `${name}.metadata`, fields: new Map([['name', cap('name', 253)], ['generateName', cap('generateName', 252)]]) });
      }
      return { kind: 'object', name, fields };
    }
    case 'string':
      return prim('string', maxStringLength(s));
    case 'integer':
      return INT;
    case 'number':
      return DOUBLE;
    case 'boolean':
      return BOOL;
    default:
      return DYN;
  }
}
