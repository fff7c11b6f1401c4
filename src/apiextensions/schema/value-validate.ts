import * as field from '../../apimachinery/validation/field-error.js';
import type { FieldError } from '../../apimachinery/validation/field-error.js';
import { goQuote } from '../../apimachinery/validation/go-format.js';
import { NIL_PATH_TEXT } from '../../apimachinery/validation/path.js';
import { badValue, canonicalJSON, goNumber } from './go-value.js';
import { isObject } from './structural.js';
import type { ValueSchema } from './value-schema.js';
import { correlateByMapKeys, jsonEqual } from './list-correlation.js';

/**
 * kube-openapi's SchemaValidator as kube runs it on a custom resource
 * (ValidateCustomResource with a nil path), with kubeOpenAPIResultToFieldErrors'
 * mapping to field errors. Names are kube-openapi's: `spec.items[0].name`,
 * and map values dotted too (`spec.labels.app`). Per node the checks run in
 * its order: type, anyOf/oneOf/allOf/not, string length and pattern,
 * format, number, list, enum, object; each applies by the value's JSON kind,
 * so a failed type check does not stop the others. anyOf/oneOf/allOf/not
 * failures have no field (`<nil>: Invalid value: "": "spec" must validate at
 * least one schema (anyOf)`), and of a failed anyOf/oneOf the errors of the
 * branch that came closest follow (the fewest errors; kube counts matches).
 * Object members are checked in the value's key order (kube's map order is
 * random). The walk follows the schema, so its depth is the schema's.
 *
 * On update (`old` given) validation ratchets, as kube's does since 1.30
 * (CRDValidationRatcheting): a value equal to the old value it correlates
 * with (same property or map key; same key in a list-type map; an equal
 * item of a list-type set) is not checked, so an object stored before a
 * schema change can still be updated elsewhere. Other lists' items have no
 * old value.
 */
export function validateValue(value: unknown, schema: ValueSchema, old?: unknown): FieldError[] {
  const out: FieldError[] = [];
  validate(value, schema, '', out, old);
  return out;
}

/**
 * Errors of a validator run on a part of the object (the status
 * subresource's `status`) as kube reports them: the field under `root`,
 * the sentence still naming the value from the part's own root
 * (`status.replicas: Invalid value: "string": replicas in body must be of
 * type integer: "string"`); field-less combinator errors land on `root`.
 */
export function underRoot(errs: readonly FieldError[], root: string): FieldError[] {
  return errs.map((e) => {
    const f = e.field === '' || e.field === NIL_PATH_TEXT ? root : `${root}.${e.field}`;
    return new field.FieldError(e.type, f, e.badValue, e.detail);
  });
}

const member = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const inBody = (name: string, rest: string): string => `${name} in body ${rest}`;

function validate(v: unknown, s: ValueSchema, path: string, out: FieldError[], old: unknown): void {
  if (old !== undefined && jsonEqual(v, old)) return;
  if (v === null || v === undefined) {
    // kube runs only the type and enum checks on null.
    if (s.types.length > 0 && !s.nullable) typeError(path, s, 'null', out);
    if (s.enum && !s.enum.includes(null)) enumError(path, null, s.enum, out);
    return;
  }
  const kind = jsonType(v);
  if (s.types.length > 0 && !s.types.includes(kind) && !(kind === 'integer' && s.types.includes('number'))) {
    typeError(path, s, kind, out);
  }
  combinators(v, s, path, out, old);
  if (typeof v === 'string') {
    strings(v, s, path, out);
  } else if (typeof v === 'number') {
    numbers(v, s, path, out);
  } else if (Array.isArray(v)) {
    lists(v, s, path, out, old);
  }
  if (s.enum && !s.enum.some((e) => jsonEqual(e, v))) enumError(path, v, s.enum, out);
  if (isObject(v)) objects(v, s, path, out, old);
}

function typeError(path: string, s: ValueSchema, got: string, out: FieldError[]): void {
  out.push(field.typeInvalid(path, got, inBody(path, `must be of type ${s.types.join(',')}: ${goQuote(got)}`)));
}

function enumError(path: string, v: unknown, values: readonly unknown[], out: FieldError[]): void {
  out.push(field.notSupported(path, shown(v), values.map((e) => (typeof e === 'string' ? e : (JSON.stringify(e) ?? 'null')))));
}

function combinators(v: unknown, s: ValueSchema, path: string, out: FieldError[], old: unknown): void {
  if (s.anyOf.length > 0) {
    const results = s.anyOf.map((b) => branch(v, b, path, old));
    if (!results.some((r) => r.length === 0)) {
      out.push(field.invalid(NIL_PATH_TEXT, '', `${goQuote(path)} must validate at least one schema (anyOf)`));
      out.push(...closest(results));
    }
  }
  if (s.oneOf.length > 0) {
    const results = s.oneOf.map((b) => branch(v, b, path, old));
    const valid = results.filter((r) => r.length === 0).length;
    if (valid !== 1) {
      const found = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      out.push(field.invalid(NIL_PATH_TEXT, '', `${goQuote(path)} must validate one and only one schema (oneOf). ${found}`));
      if (valid === 0) out.push(...closest(results));
    }
  }
  if (s.allOf.length > 0) {
    let validated = 0;
    for (const b of s.allOf) {
      const r = branch(v, b, path, old);
      if (r.length === 0) validated++;
      out.push(...r);
    }
    if (validated !== s.allOf.length) {
      const none = validated === 0 ? '. None validated' : '';
      out.push(field.invalid(NIL_PATH_TEXT, '', `${goQuote(path)} must validate all the schemas (allOf)${none}`));
    }
  }
  if (s.not && branch(v, s.not, path, old).length === 0) {
    out.push(field.invalid(NIL_PATH_TEXT, '', `${goQuote(path)} must not validate the schema (not)`));
  }
}

function branch(v: unknown, s: ValueSchema, path: string, old: unknown): FieldError[] {
  const errs: FieldError[] = [];
  validate(v, s, path, errs, old);
  return errs;
}

function closest(results: readonly FieldError[][]): FieldError[] {
  let best = results[0] ?? [];
  for (const r of results) if (r.length < best.length) best = r;
  return best;
}

function strings(v: string, s: ValueSchema, path: string, out: FieldError[]): void {
  if (s.maxLength !== undefined || s.minLength !== undefined) {
    // Go counts runes: code points, not UTF-16 units.
    let runes = 0;
    for (const _ of v) runes++;
    if (s.maxLength !== undefined && runes > s.maxLength) out.push(field.tooLong(path, s.maxLength));
    if (s.minLength !== undefined && runes < s.minLength) {
      out.push(field.invalid(path, v, inBody(path, `should be at least ${s.minLength} chars long`)));
    }
  }
  if (s.pattern && !s.pattern.re.test(v)) out.push(field.invalid(path, v, inBody(path, `should match '${s.pattern.source}'`)));
  if (s.format && !s.format.check(v)) {
    out.push(field.typeInvalid(path, v, inBody(path, `must be of type ${s.format.name}: ${goQuote(v)}`)));
  }
}

/**
 * kube decodes an integral JSON number to int64 and checks it against
 * int64(bound) (so 1 is not below an exclusive maximum of 1.5, as in kube),
 * unless the schema's type is integer and the bound is not (then, as other
 * numbers, as float64 against the bound as given).
 */
function numbers(v: number, s: ValueSchema, path: string, out: FieldError[]): void {
  const intType = s.types.length === 1 && s.types[0] === 'integer';
  const asInt = (bound: number): boolean => Number.isInteger(v) && (!intType || Number.isInteger(bound));
  const bound = (b: number): number => (asInt(b) ? Math.trunc(b) : b);
  if (s.multipleOf !== undefined) {
    const factor = bound(s.multipleOf);
    const int = asInt(s.multipleOf);
    if (factor <= 0) {
      out.push(field.invalid(path, shown(v), `factor MultipleOf declared for ${path} must be positive: ${goNumber(factor, int)}`));
    } else if (!isMultiple(v, factor, int)) {
      out.push(field.invalid(path, shown(v), inBody(path, `should be a multiple of ${goNumber(factor, int)}`)));
    }
  }
  if (s.maximum !== undefined) {
    const max = bound(s.maximum);
    if (s.exclusiveMaximum ? v >= max : v > max) {
      const rel = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      out.push(field.invalid(path, shown(v), inBody(path, `should be ${rel} ${goNumber(max, asInt(s.maximum))}`)));
    }
  }
  if (s.minimum !== undefined) {
    const min = bound(s.minimum);
    if (s.exclusiveMinimum ? v <= min : v < min) {
      const rel = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      out.push(field.invalid(path, shown(v), inBody(path, `should be ${rel} ${goNumber(min, asInt(s.minimum))}`)));
    }
  }
}

function isMultiple(v: number, factor: number, int: boolean): boolean {
  if (int) return v % factor === 0;
  const mult = factor < 1 ? (1 / factor) * v : v / factor;
  return Number.isFinite(mult) && Math.abs(mult - Math.round(mult)) <= 1e-9 * Math.max(1, Math.abs(mult));
}

function lists(v: unknown[], s: ValueSchema, path: string, out: FieldError[], old: unknown): void {
  if (s.items) {
    const oldItem = correlateItems(s, old);
    for (let i = 0; i < v.length; i++) validate(v[i], s.items, `${path}[${i}]`, out, oldItem(v[i]));
  }
  if (s.minItems !== undefined && v.length < s.minItems) {
    out.push(field.invalid(path, v.length, inBody(path, `should have at least ${s.minItems} items`)));
  }
  if (s.maxItems !== undefined && v.length > s.maxItems) out.push(field.tooMany(path, v.length, s.maxItems));
  if (s.uniqueItems && v.length > 1) {
    const seen = new Set<string>();
    for (const item of v) {
      const key = canonicalJSON(item);
      if (seen.has(key)) {
        out.push(field.invalid(path, '', inBody(path, "shouldn't contain duplicates")));
        break;
      }
      seen.add(key);
    }
  }
}

function objects(v: Record<string, unknown>, s: ValueSchema, path: string, out: FieldError[], old: unknown): void {
  const oldObj = isObject(old) ? old : undefined;
  const oldOf = (key: string): unknown => (oldObj && Object.hasOwn(oldObj, key) ? oldObj[key] : undefined);
  const keys = Object.keys(v);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    out.push(field.invalid(path, keys.length, inBody(path, `should have at least ${s.minProperties} properties`)));
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) out.push(field.tooMany(path, keys.length, s.maxProperties));
  // Iterating the value's keys, not the schema's: a 10,000-property schema costs nothing for a small object.
  for (const key of keys) {
    const prop = s.properties?.get(key);
    if (prop) validate(v[key], prop, member(path, key), out, oldOf(key));
    else if (s.additionalProperties) validate(v[key], s.additionalProperties, member(path, key), out, oldOf(key));
  }
  for (const key of s.required) if (!Object.hasOwn(v, key)) out.push(field.required(member(path, key), ''));
}

/** A bad value as kube prints it: a float64 with Go's %v (1.0000005e+06), compounds with %#v. */
const shown = (v: unknown): unknown =>
  typeof v === 'number' && !Number.isInteger(v) ? new field.StringerValue(goNumber(v, false)) : badValue(v);

/** kube-openapi's type names of a decoded value (kube decodes integral JSON numbers to int64). */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return v === null ? 'null' : typeof v;
}

/** How a list's items find their old values: by key in a list-type map, by value in a set; not otherwise. */
function correlateItems(s: ValueSchema, old: unknown): (item: unknown) => unknown {
  const none = (): unknown => undefined;
  if (!Array.isArray(old) || old.length === 0) return none;
  if (s.listType === 'set') {
    // By canonical text: comparing every item with every old one would be quadratic in the list's length.
    const before = new Set(old.map(canonicalJSON));
    return (item) => (before.has(canonicalJSON(item)) ? item : undefined);
  }
  if (s.listType !== 'map' || s.listMapKeys.length === 0) return none;
  return correlateByMapKeys(s.listMapKeys, old);
}

