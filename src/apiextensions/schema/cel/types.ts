/**
 * The static types of CEL expressions as the checker (checker.ts) reasons
 * about them, and a schema node's type as kube's SchemaDeclType gives it.
 * @bufbuild/cel evaluates but does not type-check, so these are ours.
 */
import type { Structural } from '../structural.js';

export type PrimitiveName = 'int' | 'uint' | 'double' | 'string' | 'bool' | 'bytes' | 'null_type' | 'duration' | 'timestamp';

/**
 * A CEL type. `size` is the most elements (list, map) or bytes (string) a
 * value of the type may hold: the cost estimate reads it.
 */
export type CelT =
  | { kind: 'prim'; name: PrimitiveName; size?: number }
  | { kind: 'dyn' }
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

/** The smallest JSON a value of a node's type serializes to: it bounds how many fit in a request. */
function minSerializedSize(s: Structural): number {
  switch (s.type) {
    case 'string':
      return 2; // ""
    case 'array':
    case 'object':
      return 2; // [] or {}
    case 'boolean':
      return 4; // true
    default:
      return 1; // a digit
  }
}

/** Elements of this node's list or map, at most: its maxItems/maxProperties, else what fits in a request. */
function maxElements(s: Structural, elem: Structural | undefined, bound: number | undefined): number {
  if (bound !== undefined) return Math.max(0, bound);
  // Each element needs at least its own size plus a comma (and, in a map, a key `"":`).
  const per = (elem ? minSerializedSize(elem) : 1) + (s.type === 'object' ? 4 : 1);
  return Math.floor(MAX_REQUEST_SIZE_BYTES / per);
}

/**
 * kube's SchemaDeclType: the CEL type of a value of schema node `s`. Objects
 * with properties are object types of their (escaped) properties; the root and
 * embedded resources always have apiVersion, kind and metadata (name and
 * generateName only); maps of additionalProperties are map(string, V);
 * int-or-string and preserve-unknown-fields nodes without properties are dyn.
 */
export function schemaDeclType(s: Structural, name: string, isResourceRoot: boolean): CelT {
  if (s.intOrString) return DYN;
  switch (s.type) {
    case 'array':
      return s.items ? listOf(schemaDeclType(s.items, `${name}.@idx`, false), maxElements(s, s.items, s.maxItems)) : listOf(DYN);
    case 'object': {
      if (s.additionalProperties !== undefined && s.properties.size === 0) {
        const v = s.additionalProperties === true ? DYN : schemaDeclType(s.additionalProperties, `${name}.@elem`, false);
        return mapOf(STRING, v, maxElements(s, s.additionalProperties === true ? undefined : s.additionalProperties, s.maxProperties));
      }
      const resource = isResourceRoot || s.embeddedResource;
      if (s.properties.size === 0 && s.preserveUnknownFields && !resource) return DYN;
      const fields = new Map<string, CelT>();
      for (const [prop, sub] of s.properties) {
        const escaped = escapeFieldName(prop);
        if (escaped !== undefined) fields.set(escaped, schemaDeclType(sub, `${name}.${escaped}`, false));
      }
      if (resource) {
        fields.set('apiVersion', STRING);
        fields.set('kind', STRING);
        const meta = s.properties.get('metadata');
        const cap = (p: string, max: number): CelT => prim('string', Math.min(max, meta?.properties.get(p)?.maxLength ?? max));
        fields.set('metadata', { kind: 'object', name: `${name}.metadata`, fields: new Map([['name', cap('name', 253)], ['generateName', cap('generateName', 252)]]) });
      }
      return { kind: 'object', name, fields };
    }
    case 'string':
      return prim('string', s.maxLength ?? MAX_REQUEST_SIZE_BYTES);
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
