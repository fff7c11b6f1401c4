import protobuf from 'protobufjs';
import { isInline, keepsZero } from './json-shape.js';
import { formatMicroTime, formatTime, parseTime } from './time.js';

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

const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// protobufjs gives 64-bit integers as Long objects when the long package is present.
const toNumber = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && 'toNumber' in v && typeof v.toNumber === 'function') return Number(v.toNumber());
  return Number(v);
};

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const NUMERIC = new Set([...INT64, 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'double', 'float']);

const messageField = (field: protobuf.Field): protobuf.Type | undefined =>
  field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;

// ---------------------------------------------------------------- protobuf -> JSON

/** A decoded message as kube's JSON object. */
export function messageToJson(type: protobuf.Type, msg: object): Json {
  const name = typeName(type);
  const out: Json = {};
  const values = msg as Record<string, unknown>;
  for (const field of type.fieldsArray) {
    const key = field.name;
    const sub = messageField(field);
    if (field.map) {
      const m = values[key];
      if (!isPlainObject(m) || Object.keys(m).length === 0) continue;
      const conv: Json = {};
      for (const [k, v] of Object.entries(m)) conv[k] = sub ? specialOrMessageToJson(sub, v as object) ?? null : scalarToJson(field, v);
      out[key] = conv;
      continue;
    }
    if (field.repeated) {
      const a = values[key];
      if (!Array.isArray(a) || a.length === 0) continue;
      out[key] = a.map((v: unknown) => (sub ? specialOrMessageToJson(sub, v as object) ?? null : scalarToJson(field, v)));
      continue;
    }
    if (!hasOwn(values, key) || values[key] === null || values[key] === undefined) continue;
    if (sub) {
      const j = specialOrMessageToJson(sub, values[key] as object);
      if (j === undefined) continue;
      if (isInline(name, key) && isPlainObject(j)) Object.assign(out, j);
      else out[key] = j;
      continue;
    }
    const v = scalarToJson(field, values[key]);
    if (!keepsZero(name, key) && (v === '' || v === 0 || v === false)) continue;
    out[key] = v;
  }
  return out;
}

/** undefined means "absent in JSON" (the zero time). */
function specialOrMessageToJson(type: protobuf.Type, msg: object): unknown {
  const v = msg as Record<string, unknown>;
  switch (typeName(type)) {
    case TIME:
    case MICRO_TIME: {
      // kube writes the zero time as an empty message.
      if (!hasOwn(v, 'seconds') && !hasOwn(v, 'nanos')) return undefined;
      const seconds = toNumber(v.seconds ?? 0);
      const nanos = toNumber(v.nanos ?? 0);
      return typeName(type) === TIME ? formatTime(seconds) : formatMicroTime(seconds, nanos);
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
      return messageToJson(type, msg);
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
  constructor(path: string, message: string) {
    super(`cannot encode ${path || '.'} as protobuf: ${message}`);
    this.name = 'ProtobufShapeError';
  }
}

/** kube's JSON object as a plain object protobufjs can encode with the given type. Unknown JSON fields are dropped. */
export function messageFromJson(type: protobuf.Type, json: Json, path = ''): Json {
  const name = typeName(type);
  const out: Json = {};
  for (const field of type.fieldsArray) {
    const key = field.name;
    const sub = messageField(field);
    const at = `${path}.${key}`;
    if (sub && isInline(name, key)) {
      out[key] = messageFromJson(sub, json, path);
      continue;
    }
    const v = json[key];
    if (v === undefined || v === null) continue;
    if (field.map) {
      if (!isPlainObject(v)) throw new ProtobufShapeError(at, 'expected an object');
      const m: Json = {};
      for (const [k, e] of Object.entries(v)) {
        if (e === null || e === undefined) continue;
        m[k] = sub ? specialOrMessageFromJson(sub, e, `${at}.${k}`) : scalarFromJson(field, e, `${at}.${k}`);
      }
      out[key] = m;
    } else if (field.repeated) {
      if (!Array.isArray(v)) throw new ProtobufShapeError(at, 'expected an array');
      out[key] = v.map((e: unknown, i) => (sub ? specialOrMessageFromJson(sub, e, `${at}[${i}]`) : scalarFromJson(field, e, `${at}[${i}]`)));
    } else {
      out[key] = sub ? specialOrMessageFromJson(sub, v, at) : scalarFromJson(field, v, at);
    }
  }
  return out;
}

function specialOrMessageFromJson(type: protobuf.Type, v: unknown, path: string): Json {
  switch (typeName(type)) {
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
      if (!isPlainObject(v)) throw new ProtobufShapeError(path, 'expected an object');
      return messageFromJson(type, v, path);
  }
}

function scalarFromJson(field: protobuf.Field, v: unknown, path: string): unknown {
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
