import { setOwnProperty as setOwn } from '../../apimachinery/own-property.js';
import type { TypeNode } from './schema.js';
import { isJSONObject as isPlainObject } from '../../apimachinery/json.js';

/**
 * What kube keeps of a body once its JSON is decoded into the kind's Go type
 * and encoded again: only the fields the type has, and `null` as the Go
 * decoder reads it. A `null` struct field is left at its zero value, which
 * kube omits when it writes the object out (pointers, slices, maps, and the
 * omitempty fields that make up nearly all of kube's types); a `null` list
 * item or map value becomes the zero value of its type ("" for a string, {}
 * for a struct), so validation sees what kube's does (`finalizers: [null]` is
 * an empty finalizer name, refused). Values a type decodes itself (Time,
 * Quantity, IntOrString) keep their text; RawExtension and interface{} keep
 * the value as sent. A []byte sent as a list of numbers becomes its base64
 * text, as Go writes it back.
 *
 * The input has passed the type check (checkTypes): a value of the wrong JSON
 * type cannot reach here through the handlers; if one does, it is dropped
 * rather than stored. The result shares no objects with the input's typed
 * parts, and keys such as `__proto__` stay plain data.
 */
export function toTypedValue(value: unknown, type: TypeNode): unknown {
  const v = typed(value, type);
  return v === OMIT ? undefined : v;
}

/** A struct field (or the root) whose value Go leaves unset. */
const OMIT = Symbol('omit');

function typed(value: unknown, type: TypeNode): unknown {
  if (value === null || value === undefined) return OMIT;
  switch (type.kind) {
    case 'any':
      return value;
    case 'custom':
      return value;
    case 'primitive':
      return primitive(value, type.go);
    case 'array': {
      if (!Array.isArray(value)) return OMIT;
      return value.map((item) => element(item, type.items));
    }
    case 'map': {
      if (!isPlainObject(value)) return OMIT;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const item = element(value[key], type.values);
        if (item !== OMIT) setOwn(out, key, item);
      }
      return out;
    }
    case 'struct': {
      if (!isPlainObject(value)) return OMIT;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const field = type.field(key);
        if (!field) continue;
        const v = typed(value[key], field);
        if (v !== OMIT) setOwn(out, key, v);
      }
      return out;
    }
  }
}

/** A list item or map value: `null` is the zero value of its type. */
function element(value: unknown, type: TypeNode): unknown {
  if (value !== null && value !== undefined) return typed(value, type);
  switch (type.kind) {
    case 'any':
      return null;
    case 'custom':
      // RawExtension and Time keep null; Quantity and IntOrString decode it to their zero.
      return type.custom === 'quantity' ? '0' : type.custom === 'intOrString' ? 0 : null;
    case 'primitive':
      return type.go === 'bool' ? false : type.go === 'string' || type.go === '[]uint8' ? '' : 0;
    case 'array':
      return [];
    case 'map':
    case 'struct':
      return {};
  }
}

function primitive(value: unknown, go: string): unknown {
  switch (go) {
    case 'string':
      return typeof value === 'string' ? value : OMIT;
    case 'bool':
      return typeof value === 'boolean' ? value : OMIT;
    case '[]uint8':
      if (typeof value === 'string') return value;
      // Go decodes a []byte from a list of byte values and writes it back as base64.
      if (Array.isArray(value) && value.every((b) => b === null || (Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255))) {
        return Buffer.from(value.map((b) => (b === null ? 0 : (b as number)))).toString('base64');
      }
      return OMIT;
    default:
      return typeof value === 'number' && Number.isFinite(value) ? value : OMIT;
  }
}

