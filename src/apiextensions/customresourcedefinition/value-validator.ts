/**
 * A small OpenAPI value validator for `default` values at CRD validation time
 * (kube runs its kube-openapi SchemaValidator on each default). Messages follow
 * kube-openapi's texts as mapped by kube's kubeOpenAPIResultToFieldErrors.
 * Formats are not checked here (the custom-resource schema runtime owns them).
 * Recursion follows the schema, whose depth schema-walk.ts has bounded; values
 * under x-kubernetes-preserve-unknown-fields are not descended into.
 */
import {
  type FieldError,
  invalid,
  notSupported,
  OMIT_VALUE,
  required,
  tooLong,
  tooMany,
  typeInvalid,
} from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { displayValue } from './display.js';
import { jsonEqual } from './internal.js';
import { compileForMatching, goRegexpError } from './go-regexp.js';
import { isPlainObject } from './schema-walk.js';
import type { JSONSchemaProps } from './types.js';

/** The JSON type kube-openapi names for a decoded value. */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function matchesType(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

interface Ctx {
  /** Where the default sits (`...properties[x].default`), the root of every error path. */
  base: FieldPath;
}

/** kube-openapi's error names are the dotted path inside the value; `.` is the value itself. */
const fieldPathOf = (ctx: Ctx, name: string[]): FieldPath => (name.length === 0 ? ctx.base : ctx.base.child(...name));
/** kube-openapi's `<name> in body`; the value's own root has the empty name, hence a leading space. */
const label = (name: string[]): string => `${name.join('.')} `;
const cache = new Map<string, RegExp | null>();

/** Whether s matches; a pattern that cannot be run safely (see compileForMatching) counts as matching. */
function patternMatches(pattern: string, s: string): boolean {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = goRegexpError(pattern) ? null : (compileForMatching(pattern) ?? null);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re === null || re.test(s);
}

/** Validates a value against a schema; `base` is the path of the value itself (e.g. `...default`). */
export function validateValue(value: unknown, schema: JSONSchemaProps, base: FieldPath): FieldError[] {
  return validateAt(value, schema, [], { base });
}

function validateAt(v: unknown, s: JSONSchemaProps, name: string[], ctx: Ctx): FieldError[] {
  const path = fieldPathOf(ctx, name);
  const lbl = label(name);
  const errs: FieldError[] = [];
  const type = typeof s.type === 'string' ? s.type : '';
  if (v === null) {
    if (s.nullable === true || type === '') return errs;
    return [typeInvalid(path, 'null', `${lbl}in body must be of type ${type}: "null"`)];
  }
  if (s['x-kubernetes-int-or-string'] === true && !(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
    errs.push(typeInvalid(path, jsonTypeName(v), `${lbl}in body must be of type integer,string: "${jsonTypeName(v)}"`));
    return errs;
  }
  if (type !== '' && !matchesType(type, v)) {
    return [typeInvalid(path, jsonTypeName(v), `${lbl}in body must be of type ${type}: "${jsonTypeName(v)}"`)];
  }
  if (Array.isArray(s.enum) && s.enum.length > 0 && !s.enum.some((e) => jsonEqual(e, v))) {
    errs.push(notSupported(path, displayValue(v), s.enum.map(enumText)));
  }
  if (typeof v === 'string') errs.push(...validateString(v, s, path, lbl));
  else if (typeof v === 'number') errs.push(...validateNumber(v, s, path, lbl));
  else if (Array.isArray(v)) {
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) errs.push(tooMany(path, v.length, s.maxItems));
    if (typeof s.minItems === 'number' && v.length < s.minItems) errs.push(invalid(path, v.length, `${lbl}in body should have at least ${s.minItems} items`));
    if (isPlainObject(s.items)) v.forEach((x, i) => errs.push(...validateAt(x, s.items as JSONSchemaProps, [...name.slice(0, -1), `${name.at(-1) ?? ''}[${i}]`], ctx)));
  } else if (isPlainObject(v)) errs.push(...validateObject(v, s, name, ctx, path, lbl));
  errs.push(...validateJunctors(v, s, name, ctx, path, lbl));
  return errs;
}

/** How kube lists an allowed value: strings as is, anything else as JSON (large values left out). */
function enumText(e: unknown): string {
  if (typeof e === 'string') return e;
  return displayValue(e) === OMIT_VALUE ? '<value omitted>' : JSON.stringify(e);
}

function validateString(v: string, s: JSONSchemaProps, path: FieldPath, lbl: string): FieldError[] {
  const errs: FieldError[] = [];
  const len = [...v].length;
  if (typeof s.maxLength === 'number' && len > s.maxLength) errs.push(tooLong(path, s.maxLength));
  if (typeof s.minLength === 'number' && len < s.minLength) errs.push(invalid(path, displayValue(v), `${lbl}in body should be at least ${s.minLength} chars long`));
  if (typeof s.pattern === 'string' && s.pattern !== '' && !patternMatches(s.pattern, v)) {
    errs.push(invalid(path, displayValue(v), `${lbl}in body should match '${s.pattern}'`));
  }
  return errs;
}

function validateNumber(v: number, s: JSONSchemaProps, path: FieldPath, lbl: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof s.maximum === 'number') {
    if (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum) {
      errs.push(invalid(path, displayValue(v), `${lbl}in body should be less than ${s.exclusiveMaximum === true ? '' : 'or equal to '}${s.maximum}`));
    }
  }
  if (typeof s.minimum === 'number') {
    if (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum) {
      errs.push(invalid(path, displayValue(v), `${lbl}in body should be greater than ${s.exclusiveMinimum === true ? '' : 'or equal to '}${s.minimum}`));
    }
  }
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) errs.push(invalid(path, displayValue(v), `${lbl}in body should be a multiple of ${s.multipleOf}`));
  }
  return errs;
}

function validateObject(v: Record<string, unknown>, s: JSONSchemaProps, name: string[], ctx: Ctx, path: FieldPath, lbl: string): FieldError[] {
  const errs: FieldError[] = [];
  const keys = Object.keys(v);
  for (const r of Array.isArray(s.required) ? s.required : []) {
    if (!Object.hasOwn(v, r)) errs.push(required(fieldPathOf(ctx, [...name, r])));
  }
  if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) errs.push(tooMany(path, keys.length, s.maxProperties));
  if (typeof s.minProperties === 'number' && keys.length < s.minProperties) {
    errs.push(invalid(path, keys.length, `${lbl}in body should have at least ${s.minProperties} properties`));
  }
  const props = isPlainObject(s.properties) ? s.properties : {};
  for (const k of keys) {
    const ps = Object.hasOwn(props, k) ? props[k] : undefined;
    if (isPlainObject(ps)) errs.push(...validateAt(v[k], ps, [...name, k], ctx));
    else if (isPlainObject(s.additionalProperties)) errs.push(...validateAt(v[k], s.additionalProperties as JSONSchemaProps, [...name, k], ctx));
  }
  return errs;
}

function validateJunctors(v: unknown, s: JSONSchemaProps, name: string[], ctx: Ctx, path: FieldPath, lbl: string): FieldError[] {
  const errs: FieldError[] = [];
  const ok = (x: unknown): boolean => isPlainObject(x) && validateAt(v, x as JSONSchemaProps, name, ctx).length === 0;
  for (const x of Array.isArray(s.allOf) ? s.allOf : []) if (isPlainObject(x)) errs.push(...validateAt(v, x, name, ctx));
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0 && !s.anyOf.some(ok)) {
    errs.push(invalid(path, '', `"${name.join('.')}" must validate at least one schema (anyOf)`));
  }
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0 && s.oneOf.filter(ok).length !== 1) {
    errs.push(invalid(path, '', `"${name.join('.')}" must validate one and only one schema (oneOf)`));
  }
  if (isPlainObject(s.not) && ok(s.not)) errs.push(invalid(path, '', `"${name.join('.')}" must not validate the schema (not)`));
  return errs;
}
