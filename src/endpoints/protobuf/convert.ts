import protobuf from 'protobufjs';
import { isInline, keepsZero } from './json-shape.js';
import { formatMicroTime, formatTime, parseTime } from './time.js';
import { isJSONObject as isPlainObject } from '../../apimachinery/json.js';

/**
 * Converts between kube's JSON objects and protobufjs messages, field by field over
 * the loaded schema. Field names are shared (the .proto names are kube's JSON names);
 * what differs is handled here: the special wire types (Time, MicroTime, IntOrString,
 * Quantity, FieldsV1, RawExtension, ExtraValue), bytes as base64, inline embedded
 * structs, and which zero values JSON omits (json-shape.ts).
 */

type Json = Record<string, unknown>;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.';
const TIME = `${META}Time`;
const MICRO_TIME = `${META}MicroTime`;
const FIELDS_V1 = `${META}FieldsV1`;
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';
const EXTRA_VALUE = 'k8s.io.api.authorization.v1.ExtraValue';

/** The message's full name without protobufjs's leading dot, computed once per type. */
const names = new WeakMap<protobuf.Type, string>();
export function typeName(type: protobuf.Type): string {
  let name = names.get(type);
  if (name === undefined) {
    name = type.fullName.replace(/^\./, '');
    names.set(type, name);
  }
  return name;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);


// protobufjs gives 64-bit integers as Long objects when the long package is present.
const toNumber = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && 'toNumber' in v && typeof v.toNumber === 'function') return Number(v.toNumber());
  return Number(v);
};

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const NUMERIC = new Set([...INT64, 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'double', 'float']);

/** What the conversions need to know about one field, worked out once per message type. */
export interface FieldPlan {
  field: protobuf.Field;
  key: string;
  shape: 'map' | 'repeated' | 'single';
  /** The message type of a message field (or of a map's values). */
  sub?: protobuf.Type;
  /** The full name of sub, when it is one of the special types. */
  special?: string;
  inline: boolean;
  keepZero: boolean;
}

const SPECIAL = new Set([TIME, MICRO_TIME, FIELDS_V1, INT_OR_STRING, QUANTITY, RAW_EXTENSION, EXTRA_VALUE]);

const plans = new WeakMap<protobuf.Type, FieldPlan[]>();
export function planOf(type: protobuf.Type): FieldPlan[] {
  let plan = plans.get(type);
  if (plan) return plan;
  const name = typeName(type);
  plan = type.fieldsArray.map((field) => {
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const subName = sub ? typeName(sub) : undefined;
    return {
      field,
      key: field.name,
      shape: field.map ? 'map' : field.repeated ? 'repeated' : 'single',
      sub,
      special: subName && SPECIAL.has(subName) ? subName : undefined,
      inline: isInline(name, field.name),
      keepZero: keepsZero(name, field.name),
    };
  });
  plans.set(type, plan);
  return plan;
}

// ---------------------------------------------------------------- protobuf -> JSON

/** A decoded message as kube's JSON object. */
export function messageToJson(type: protobuf.Type, msg: object): Json {
  const out: Json = {};
  const values = msg as Record<string, unknown>;
  for (const p of planOf(type)) {
    const v = values[p.key];
    if (p.shape === 'map') {
      if (!isPlainObject(v)) continue;
      const entries = Object.entries(v);
      if (entries.length === 0) continue;
      const conv: Json = {};
      for (const [k, e] of entries) conv[k] = valueToJson(p, e);
      out[p.key] = conv;
    } else if (p.shape === 'repeated') {
      if (!Array.isArray(v) || v.length === 0) continue;
      out[p.key] = v.map((e: unknown) => valueToJson(p, e));
    } else if (v !== null && v !== undefined && hasOwn(values, p.key)) {
      if (p.sub) {
        const j = messageValueToJson(p, v as object);
        if (j === undefined) continue;
        if (p.inline && isPlainObject(j)) Object.assign(out, j);
        else out[p.key] = j;
      } else {
        const s = scalarToJson(p.field, v);
        if (!p.keepZero && (s === '' || s === 0 || s === false)) continue;
        out[p.key] = s;
      }
    }
  }
  return out;
}

// In lists and maps there is no "absent": the zero time shows as null, as Go's JSON has it.
const valueToJson = (p: FieldPlan, v: unknown): unknown =>
  p.sub ? messageValueToJson(p, v as object) ?? null : scalarToJson(p.field, v);

const messageValueToJson = (p: FieldPlan, v: object): unknown =>
  p.special ? specialToJson(p.special, v) : messageToJson(p.sub!, v);

/** One of the special types as JSON; undefined means "absent in JSON" (the zero time). */
function specialToJson(special: string, msg: object): unknown {
  const v = msg as Record<string, unknown>;
  switch (special) {
    case TIME:
    case MICRO_TIME: {
      // kube writes the zero time as an empty message.
      if (!hasOwn(v, 'seconds') && !hasOwn(v, 'nanos')) return undefined;
      const seconds = toNumber(v.seconds ?? 0);
      const nanos = toNumber(v.nanos ?? 0);
      return special === TIME ? formatTime(seconds) : formatMicroTime(seconds, nanos);
    }
    case INT_OR_STRING:
      return toNumber(v.type ?? 0) === 1 ? String(v.strVal ?? '') : toNumber(v.intVal ?? 0);
    case QUANTITY:
      return typeof v.string === 'string' && v.string !== '' ? v.string : '0';
    case FIELDS_V1:
      return bytesToJsonValue(v.Raw);
    case RAW_EXTENSION:
      return bytesToJsonValue(v.raw);
    case EXTRA_VALUE:
      return Array.isArray(v.items) ? [...(v.items as unknown[])] : [];
    default:
      throw new Error(`not a special type: ${special}`);
  }
}

function bytesToJsonValue(raw: unknown): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
  return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('utf8')) as unknown;
}

function scalarToJson(field: protobuf.Field, v: unknown): unknown {
  if (field.type === 'bytes') {
    const b = v instanceof Uint8Array ? v : new Uint8Array();
    return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');
  }
  if (INT64.has(field.type)) return toNumber(v);
  return v;
}

// ---------------------------------------------------------------- JSON -> protobuf

/** Thrown when a JSON object does not fit the wire schema (a stored object we cannot encode). */
export class ProtobufShapeError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`cannot encode ${path || '.'} as protobuf: ${detail}`);
    this.name = 'ProtobufShapeError';
  }

  /** The same error, for a field inside the value at prefix. */
  under(prefix: string): ProtobufShapeError {
    return new ProtobufShapeError(prefix + this.path, this.detail);
  }
}

/** kube's JSON object as a plain object protobufjs can encode with the given type. Unknown JSON fields are dropped. */
export function messageFromJson(type: protobuf.Type, json: Json, path = ''): Json {
  const out: Json = {};
  for (const p of planOf(type)) {
    const key = p.key;
    if (p.inline && p.sub) {
      // Go always writes an embedded struct, so it is always present here too.
      out[key] = messageFromJson(p.sub, json, path);
      continue;
    }
    const v = json[key];
    if (v === undefined || v === null) continue;
    const at = `${path}.${key}`;
    if (p.shape === 'map') {
      if (!isPlainObject(v)) throw new ProtobufShapeError(at, 'expected an object');
      const m: Json = {};
      for (const [k, e] of Object.entries(v)) {
        if (e === null || e === undefined) continue;
        m[k] = valueFromJson(p, e, at, k);
      }
      out[key] = m;
    } else if (p.shape === 'repeated') {
      if (!Array.isArray(v)) throw new ProtobufShapeError(at, 'expected an array');
      out[key] = v.map((e: unknown, i) => valueFromJson(p, e, at, i));
    } else {
      out[key] = p.sub ? messageValueFromJson(p, v, at) : scalarFromJson(p.field, v, at);
    }
  }
  return out;
}

// The element path is only built when something is wrong.
function valueFromJson(p: FieldPlan, v: unknown, at: string, index: string | number): unknown {
  const path = () => (typeof index === 'number' ? `${at}[${index}]` : `${at}.${index}`);
  try {
    return p.sub ? messageValueFromJson(p, v, '') : scalarFromJson(p.field, v, '');
  } catch (err) {
    if (err instanceof ProtobufShapeError) throw err.under(path());
    throw err;
  }
}

function messageValueFromJson(p: FieldPlan, v: unknown, path: string): Json {
  if (p.special) return specialFromJson(p.special, v, path);
  if (!isPlainObject(v)) throw new ProtobufShapeError(path, 'expected an object');
  return messageFromJson(p.sub!, v, path);
}

export function specialFromJson(special: string, v: unknown, path: string): Json {
  switch (special) {
    case TIME:
    case MICRO_TIME: {
      if (typeof v !== 'string') throw new ProtobufShapeError(path, 'expected an RFC 3339 time string');
      const t = parseTime(v);
      if (!t) throw new ProtobufShapeError(path, `invalid time ${JSON.stringify(v)}`);
      return { seconds: t.seconds, nanos: t.nanos };
    }
    case INT_OR_STRING:
      // kube writes all three fields; type 0 is an int, 1 a string.
      if (typeof v === 'number' && Number.isInteger(v)) return { type: 0, intVal: v, strVal: '' };
      if (typeof v === 'string') return { type: 1, intVal: 0, strVal: v };
      throw new ProtobufShapeError(path, 'expected an integer or a string');
    case QUANTITY:
      if (typeof v === 'string') return { string: v };
      if (typeof v === 'number' && Number.isFinite(v)) return { string: String(v) };
      throw new ProtobufShapeError(path, 'expected a quantity string');
    case FIELDS_V1:
      return { Raw: Buffer.from(JSON.stringify(v)) };
    case RAW_EXTENSION:
      return { raw: Buffer.from(JSON.stringify(v)) };
    case EXTRA_VALUE:
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new ProtobufShapeError(path, 'expected an array of strings');
      return { items: v };
    default:
      throw new Error(`not a special type: ${special}`);
  }
}

export function scalarFromJson(field: protobuf.Field, v: unknown, path: string): unknown {
  const t = field.type;
  if (t === 'string') {
    if (typeof v !== 'string') throw new ProtobufShapeError(path, 'expected a string');
    return v;
  }
  if (t === 'bool') {
    if (typeof v !== 'boolean') throw new ProtobufShapeError(path, 'expected a boolean');
    return v;
  }
  if (t === 'bytes') {
    if (typeof v !== 'string') throw new ProtobufShapeError(path, 'expected a base64 string');
    return Buffer.from(v, 'base64');
  }
  if (NUMERIC.has(t)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtobufShapeError(path, `expected a number (${t})`);
    if (t !== 'double' && t !== 'float' && !Number.isInteger(v)) throw new ProtobufShapeError(path, `expected an integer (${t})`);
    return v;
  }
  throw new ProtobufShapeError(path, `unsupported field type ${t}`);
}
