/**
 * kube's structural schema rules (pkg/apiserver/schema: NewStructural's
 * refusals, ValidateStructural's invariants and completeness). A structural
 * schema has a type at every node reachable through properties, items and
 * additionalProperties (except under x-kubernetes-int-or-string or
 * x-kubernetes-preserve-unknown-fields); the logical junctors
 * (allOf/anyOf/oneOf/not) only add value validations, never types, defaults,
 * descriptions or extensions. Depth is bounded beforehand by schema-walk.ts.
 */
import { type FieldError, forbidden, invalid, required } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { isPlainObject } from './schema-walk.js';
import { goRegexpError } from './go-regexp.js';
import type { JSONSchemaProps } from './types.js';

type Level = 'root' | 'item' | 'field';

const present = (v: unknown): boolean => v !== undefined && v !== null;
const nonEmptyMap = (m: unknown): boolean => isPlainObject(m) && Object.keys(m).length > 0;
const props = (s: JSONSchemaProps): Record<string, JSONSchemaProps> => (isPlainObject(s.properties) ? s.properties : {});
const xPreserve = (s: JSONSchemaProps): boolean => s['x-kubernetes-preserve-unknown-fields'] === true;
const xEmbedded = (s: JSONSchemaProps): boolean => s['x-kubernetes-embedded-resource'] === true;
const xIntOrString = (s: JSONSchemaProps): boolean => s['x-kubernetes-int-or-string'] === true;

/** NewStructural's error, or undefined when the schema converts (kube reports it only if nothing else failed). */
export function newStructuralError(s: JSONSchemaProps): string | undefined {
  if (s.id) return "OpenAPIV3Schema 'id' is not supported";
  if (s.$schema) return "OpenAPIV3Schema 'schema' is not supported";
  if (s.$ref) return "OpenAPIV3Schema '$ref' is not supported";
  if (nonEmptyMap(s.patternProperties)) return "OpenAPIV3Schema 'patternProperties' is not supported";
  if (nonEmptyMap(s.dependencies)) return "OpenAPIV3Schema 'dependencies' is not supported";
  if (present(s.additionalItems)) return "OpenAPIV3Schema 'additionalItems' is not supported";
  if (nonEmptyMap(s.definitions)) return "OpenAPIV3Schema 'definitions' is not supported";
  for (const junctor of [s.not, ...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    if (isPlainObject(junctor)) {
      const err = newStructuralError(junctor as JSONSchemaProps);
      if (err) return err;
    }
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
  }
  if (Array.isArray(s.items) && s.items.length > 0) return "OpenAPIV3Schema 'items' must be a schema, but is an array";
  const children: unknown[] = [s.items, ...Object.values(props(s)), s.additionalProperties];
  for (const child of children) {
    if (isPlainObject(child)) {
      const err = newStructuralError(child as JSONSchemaProps);
      if (err) return err;
    }
  }
  return undefined;
}

/** ValidateStructural: invariants plus completeness, sorted by message as kube sorts them. */
export function validateStructural(s: JSONSchemaProps, path: FieldPath): FieldError[] {
  const errs = [...validateInvariants(s, 'root', path), ...validateCompleteness(s, path)];
  const text = errs.map((e) => ({ e, t: e.toString() }));
  text.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return text.map((x) => x.e);
}

/** `anyOf: [{type: integer}, {type: string}]`, the int-or-string idiom, may carry types. */
function isIntOrStringAnyOf(anyOf: unknown): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false;
  return ['integer', 'string'].every((t, i) => {
    const x = anyOf[i];
    return isPlainObject(x) && x.type === t && Object.entries(x).every(([k, v]) => k === 'type' || isZero(v));
  });
}

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isPlainObject(v) && Object.keys(v).length === 0;
}

function validateInvariants(s: JSONSchemaProps, lvl: Level, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeof s.type === 'string' ? s.type : '';
  if (type === 'array' && !isPlainObject(s.items)) errs.push(required(path.child('items'), 'must be specified'));
  if (isPlainObject(s.items)) errs.push(...validateInvariants(s.items as JSONSchemaProps, 'item', path.child('items')));
  const properties = props(s);
  for (const [k, v] of Object.entries(properties)) {
    if (isPlainObject(v)) errs.push(...validateInvariants(v, 'field', path.child('properties').key(k)));
  }
  if (present(s.additionalProperties)) {
    if (lvl === 'root') errs.push(forbidden(path.child('additionalProperties'), 'must not be used at the root'));
    if (isPlainObject(s.additionalProperties)) {
      errs.push(...validateInvariants(s.additionalProperties as JSONSchemaProps, 'field', path.child('additionalProperties')));
    }
  }
  if (xIntOrString(s) && xPreserve(s)) {
    errs.push(invalid(path.child('x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (xIntOrString(s) && xEmbedded(s)) {
    errs.push(invalid(path.child('x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  errs.push(...validateJunctors(s, isIntOrStringAnyOf(s.anyOf), isIntOrStringAllOf(s), lvl, path));

  if (xEmbedded(s) && type !== 'object') {
    if (type === '') errs.push(required(path.child('type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(invalid(path.child('type'), type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (type === '' && !xIntOrString(s) && !xPreserve(s)) {
    const where = { root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl];
    errs.push(required(path.child('type'), `must not be empty ${where}`));
  }
  if (xEmbedded(s) && present(s.additionalProperties)) {
    errs.push(forbidden(path.child('additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && type !== '' && type !== 'object') errs.push(invalid(path.child('type'), type, 'must be object at the root'));

  const checkMetadata = lvl === 'root' || xEmbedded(s);
  if (checkMetadata) {
    for (const name of ['kind', 'apiVersion']) {
      const p = Object.hasOwn(properties, name) ? properties[name] : undefined;
      if (isPlainObject(p) && p.type !== 'string') {
        errs.push(invalid(path.child('properties').key(name).child('type'), p.type ?? '', 'must be string'));
      }
    }
  }
  const metadata = Object.hasOwn(properties, 'metadata') ? properties.metadata : undefined;
  if (isPlainObject(metadata)) errs.push(...validateMetadataInvariants(metadata, checkMetadata, lvl, path.child('properties').key('metadata')));
  if (xEmbedded(s) && !xPreserve(s) && Object.keys(properties).length === 0) {
    errs.push(required(path.child('properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

function isIntOrStringAllOf(s: JSONSchemaProps): boolean {
  const first = Array.isArray(s.allOf) ? s.allOf[0] : undefined;
  return isPlainObject(first) && isIntOrStringAnyOf(first.anyOf);
}

/**
 * The server fills metadata itself, so a root schema may only constrain name
 * and generateName; an embedded resource's metadata must be an object.
 */
function validateMetadataInvariants(m: JSONSchemaProps, checkMetadata: boolean, lvl: Level, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (checkMetadata && m.type !== 'object') errs.push(invalid(path.child('type'), m.type ?? '', 'must be object'));
  if (lvl !== 'root') return errs;
  const keys = Object.keys(props(m));
  const onlyNames = keys.length > 0 && keys.length <= 2 && keys.every((k) => k === 'name' || k === 'generateName');
  const extra = Object.entries(m).some(([k, v]) => {
    if (k === 'type' || k === 'default') return false; // type is checked above; defaults by the API rules
    if (k === 'properties') return !onlyNames && keys.length > 0;
    return !isZero(v);
  });
  if (extra) errs.push(forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  return errs;
}

/** validateValueValidation: what the junctors under one node may hold. */
function validateJunctors(s: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, lvl: Level, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) (s.anyOf ?? []).forEach((x, i) => errs.push(...validateNested(x, false, lvl, path.child('anyOf').index(i))));
  (s.allOf ?? []).forEach((x, i) => errs.push(...validateNested(x, skipFirstAllOfAnyOf && i === 0, lvl, path.child('allOf').index(i))));
  (s.oneOf ?? []).forEach((x, i) => errs.push(...validateNested(x, false, lvl, path.child('oneOf').index(i))));
  if (isPlainObject(s.not)) errs.push(...validateNested(s.not as JSONSchemaProps, false, lvl, path.child('not')));
  if (typeof s.pattern === 'string' && s.pattern.length > 0) {
    const err = goRegexpError(s.pattern);
    if (err) errs.push(invalid(path.child('pattern'), s.pattern, `must be a valid regular expression, but isn't: ${err}`));
  }
  return errs;
}

/** validateNestedValueValidation: inside a junctor only value validations are allowed. */
function validateNested(v: JSONSchemaProps, skipAnyOf: boolean, lvl: Level, path: FieldPath): FieldError[] {
  if (!isPlainObject(v)) return [];
  const errs = validateJunctors(v, skipAnyOf, false, lvl, path);
  if (isPlainObject(v.items)) errs.push(...validateNested(v.items as JSONSchemaProps, false, lvl, path.child('items')));
  for (const [k, p] of Object.entries(props(v))) errs.push(...validateNested(p, false, 'field', path.child('properties').key(k)));
  if (v.type) errs.push(forbidden(path.child('type'), 'must be empty to be structural'));
  if (isPlainObject(v.additionalProperties) || v.additionalProperties === true) {
    errs.push(forbidden(path.child('additionalProperties'), 'must be undefined to be structural'));
  }
  if (present(v.default)) errs.push(forbidden(path.child('default'), 'must be undefined to be structural'));
  if (v.title) errs.push(forbidden(path.child('title'), 'must be empty to be structural'));
  if (v.description) errs.push(forbidden(path.child('description'), 'must be empty to be structural'));
  if (v.nullable === true) errs.push(forbidden(path.child('nullable'), 'must be false to be structural'));
  if (xPreserve(v)) errs.push(forbidden(path.child('x-kubernetes-preserve-unknown-fields'), 'must be false to be structural'));
  if (xEmbedded(v)) errs.push(forbidden(path.child('x-kubernetes-embedded-resource'), 'must be false to be structural'));
  if (xIntOrString(v)) errs.push(forbidden(path.child('x-kubernetes-int-or-string'), 'must be false to be structural'));
  if (Array.isArray(v['x-kubernetes-list-map-keys']) && v['x-kubernetes-list-map-keys'].length > 0) {
    errs.push(forbidden(path.child('x-kubernetes-list-map-keys'), 'must be empty to be structural'));
  }
  if (present(v['x-kubernetes-list-type'])) errs.push(forbidden(path.child('x-kubernetes-list-type'), 'must be undefined to be structural'));
  if (present(v['x-kubernetes-map-type'])) errs.push(forbidden(path.child('x-kubernetes-map-type'), 'must be undefined to be structural'));
  if (Array.isArray(v['x-kubernetes-validations']) && v['x-kubernetes-validations'].length > 0) {
    errs.push(forbidden(path.child('x-kubernetes-validations'), 'must be empty to be structural'));
  }
  if (Object.hasOwn(props(v), 'metadata')) {
    errs.push(forbidden(path.child('properties').key('metadata'), 'must not be specified in a nested context'));
  }
  return errs;
}

/**
 * validateStructuralCompleteness: every property or items a root junctor
 * constrains must exist in the structural part. Like kube, only the root's
 * junctors are checked.
 */
function validateCompleteness(s: JSONSchemaProps, path: FieldPath): FieldError[] {
  return junctorCompleteness(s, s, path, path);
}

function junctorCompleteness(v: JSONSchemaProps, s: JSONSchemaProps, sPath: FieldPath, vPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const nested = (x: unknown, p: FieldPath): void => {
    if (isPlainObject(x)) errs.push(...nestedCompleteness(x as JSONSchemaProps, s, sPath, p));
  };
  nested(v.not, vPath.child('not'));
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) (v[key] ?? []).forEach((x, i) => nested(x, vPath.child(key).index(i)));
  return errs;
}

function nestedCompleteness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: FieldPath, vPath: FieldPath): FieldError[] {
  if (!s) return [required(sPath, `because it is defined in ${vPath}`)];
  const errs = junctorCompleteness(v, s, sPath, vPath);
  if (isPlainObject(v.items)) {
    const sItems = isPlainObject(s.items) ? (s.items as JSONSchemaProps) : undefined;
    errs.push(...nestedCompleteness(v.items as JSONSchemaProps, sItems, sPath.child('items'), vPath.child('items')));
  }
  const sProps = props(s);
  for (const [k, vp] of Object.entries(props(v))) {
    const sp = Object.hasOwn(sProps, k) ? sProps[k] : undefined;
    if (!isPlainObject(sp)) {
      errs.push(required(sPath.child('properties').key(k), `because it is defined in ${vPath.child('properties').key(k)}`));
    } else if (isPlainObject(vp)) {
      errs.push(...nestedCompleteness(vp, sp, sPath.child('properties').key(k), vPath.child('properties').key(k)));
    }
  }
  return errs;
}
