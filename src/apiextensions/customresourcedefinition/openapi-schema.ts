/**
 * kube's ValidateCustomResourceDefinitionOpenAPISchema and its
 * specStandardValidatorV3: what an OpenAPI v3 schema may contain in a CRD, and
 * the x-kubernetes-* placement rules (list and map types, list-map keys,
 * embedded resources inside metadata, x-kubernetes-validations' static
 * checks). CEL rules are compiled afterwards, in cel-rules.ts.
 * Recursion is safe: schema-walk.ts has bounded the depth beforehand.
 */
import {
  type FieldError,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { displayValue } from './display.js';
import { resolveFieldPath } from './field-path.js';
import { isPlainObject } from './schema-walk.js';
import type { JSONSchemaProps } from './types.js';

export const OPENAPI_V3_TYPES: readonly string[] = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const VALIDATION_REASONS: readonly string[] = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

/** The options kube derives from the CRD (and, on update, from the old CRD). */
export interface OpenAPISchemaOptions {
  requireValidPropertyType: boolean;
  requireAtomicSetType: boolean;
  requireMapListKeysMapSetValidation: boolean;
}

/** specStandardValidatorV3's state as it descends. */
interface Context {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
}

const hasDefault = (s: JSONSchemaProps): boolean => s.default !== undefined && s.default !== null;
const nonEmpty = (m: unknown): boolean => isPlainObject(m) && Object.keys(m).length > 0;
const itemSchema = (s: JSONSchemaProps): JSONSchemaProps | undefined => (isPlainObject(s.items) ? (s.items as JSONSchemaProps) : undefined);

function validateStandard(s: JSONSchemaProps, path: FieldPath, ctx: Context, opts: OpenAPISchemaOptions): FieldError[] {
  const errs: FieldError[] = [];
  const type = s.type ?? '';
  if (opts.requireValidPropertyType && type.length > 0 && !OPENAPI_V3_TYPES.includes(type)) {
    errs.push(notSupported(path.child('type'), type, OPENAPI_V3_TYPES));
  }
  if (hasDefault(s) && !ctx.allowDefaults) {
    const reason = ctx.disallowDefaultsReason ? ` ${ctx.disallowDefaultsReason}` : '';
    errs.push(forbidden(path.child('default'), `must not be set${reason}`));
  }
  if (s.id) errs.push(forbidden(path.child('id'), 'id is not supported'));
  if (s.additionalItems !== undefined && s.additionalItems !== null) errs.push(forbidden(path.child('additionalItems'), 'additionalItems is not supported'));
  if (nonEmpty(s.patternProperties)) errs.push(forbidden(path.child('patternProperties'), 'patternProperties is not supported'));
  if (nonEmpty(s.definitions)) errs.push(forbidden(path.child('definitions'), 'definitions is not supported'));
  if (s.dependencies !== undefined && s.dependencies !== null) errs.push(forbidden(path.child('dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined && s.$ref !== null) errs.push(forbidden(path.child('$ref'), '$ref is not supported'));
  if (type === 'null') errs.push(forbidden(path.child('type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length > 0) errs.push(forbidden(path.child('items'), 'items must be a schema object and not an array'));
  if (ctx.insideResourceMeta && s['x-kubernetes-embedded-resource'] === true) {
    errs.push(forbidden(path.child('x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  }
  return errs;
}

/** Validates one schema node and everything below it. */
export function validateOpenAPISchema(
  s: JSONSchemaProps | undefined,
  path: FieldPath,
  opts: OpenAPISchemaOptions,
  isRoot = true,
  ctx: Context = { allowDefaults: true, disallowDefaultsReason: '', insideResourceMeta: false },
): FieldError[] {
  if (!isPlainObject(s)) return [];
  const errs = validateStandard(s, path, ctx, opts);
  const recurse = (child: unknown, p: FieldPath, c: Context = ctx): void => {
    if (isPlainObject(child)) errs.push(...validateOpenAPISchema(child as JSONSchemaProps, p, opts, false, c));
  };
  const forbidDefaults = (c: Context, reason: string): Context => ({ ...c, allowDefaults: false, disallowDefaultsReason: reason });

  if (s.uniqueItems === true) {
    errs.push(forbidden(path.child('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  }
  // properties are for structs, additionalProperties for maps; unknown fields
  // are pruned, so both at once would contradict the API conventions.
  const props = isPlainObject(s.properties) ? s.properties : undefined;
  if (s.additionalProperties !== undefined && s.additionalProperties !== null) {
    if (props && Object.keys(props).length > 0 && s.additionalProperties !== true) {
      errs.push(forbidden(path.child('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    // Pruning a defaulted map entry inside metadata would be ambiguous.
    const c = ctx.insideResourceMeta ? forbidDefaults(ctx, 'inside additionalProperties applying to object metadata') : ctx;
    recurse(s.additionalProperties, path.child('additionalProperties'), c);
  }
  if (props) {
    for (const name of Object.keys(props)) {
      let c = ctx;
      if ((isRoot || s['x-kubernetes-embedded-resource'] === true) && META_FIELDS.has(name)) {
        c = { ...c, insideResourceMeta: true };
        if (isRoot) c = forbidDefaults(c, `in top-level ${name}`);
      }
      recurse(props[name], path.child('properties').key(name), c);
    }
  }
  recurse(s.not, path.child('not'));
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((x, i) => recurse(x, path.child(key).index(i)));
  }
  if (isPlainObject(s.definitions)) for (const [k, d] of Object.entries(s.definitions)) recurse(d, path.child('definitions').key(k));
  if (Array.isArray(s.items)) s.items.forEach((x, i) => recurse(x, path.child('items').index(i)));
  else recurse(s.items, path.child('items'));
  if (isPlainObject(s.dependencies)) for (const [k, d] of Object.entries(s.dependencies)) recurse(d, path.child('dependencies').key(k));

  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(invalid(path.child('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  errs.push(...validateCollectionTypes(s, path, opts));
  errs.push(...validateXValidations(s, path));
  return errs;
}

/** x-kubernetes-map-type, x-kubernetes-list-type and x-kubernetes-list-map-keys. */
function validateCollectionTypes(s: JSONSchemaProps, path: FieldPath, opts: OpenAPISchemaOptions): FieldError[] {
  const errs: FieldError[] = [];
  const type = s.type ?? '';
  const mapType = s['x-kubernetes-map-type'];
  const listType = s['x-kubernetes-list-type'];
  const mapKeys = Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'] : [];
  const items = itemSchema(s);

  if (mapType !== undefined && mapType !== null && type !== 'object') {
    if (type === '') errs.push(required(path.child('type'), 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(invalid(path.child('type'), type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== null && mapType !== 'atomic' && mapType !== 'granular') {
    errs.push(notSupported(path.child('x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  const hasListType = listType !== undefined && listType !== null;
  if (hasListType && type !== 'array') {
    if (type === '') errs.push(required(path.child('type'), 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(invalid(path.child('type'), type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (opts.requireAtomicSetType && listType === 'set' && items) {
    // Set elements are compared whole, so they must be atomic.
    if (items.type === 'array') {
      const inner = items['x-kubernetes-list-type'];
      if (inner !== undefined && inner !== null && inner !== 'atomic') {
        errs.push(invalid(path.child('items').child('x-kubernetes-list-type'), inner, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
      }
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(invalid(path.child('items').child('x-kubernetes-map-type'), items['x-kubernetes-map-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (hasListType && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    errs.push(notSupported(path.child('x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (mapKeys.length > 0) {
    if (!hasListType) errs.push(required(path.child('x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(invalid(path.child('x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(required(path.child('x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items === undefined || s.items === null) errs.push(required(path.child('items'), 'must have a schema if x-kubernetes-list-type is map'));
    else if (!items) errs.push(invalid(path.child('items'), displayValue(s.items), 'must only have a single schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') {
      errs.push(invalid(path.child('items').child('type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    }
    if (items && items.type === 'object') {
      const itemProps = isPlainObject(items.properties) ? items.properties : {};
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const p = Object.hasOwn(itemProps, k) ? itemProps[k] : undefined;
        if (p) {
          if (p.type === 'array' || p.type === 'object') {
            // kube prints the item's type here, not the key's.
            errs.push(invalid(path.child('items').child('properties').key(k).child('type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
        } else {
          errs.push(invalid(path.child('x-kubernetes-list-map-keys'), mapKeys, 'entries must all be names of item properties'));
        }
        if (seen.has(k)) errs.push(invalid(path.child('x-kubernetes-list-map-keys'), mapKeys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if (opts.requireMapListKeysMapSetValidation) errs.push(...validateMapListKeysMapSet(s, path));
  return errs;
}

/** Map and set items may not be null; map keys must be required or defaulted, and not nullable. */
function validateMapListKeysMapSet(s: JSONSchemaProps, path: FieldPath): FieldError[] {
  const items = itemSchema(s);
  const listType = s['x-kubernetes-list-type'];
  if (!items || (listType !== 'set' && listType !== 'map')) return [];
  const errs: FieldError[] = [];
  if (items.nullable === true) errs.push(forbidden(path.child('items').child('nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType === 'map') {
    const requiredKeys = new Set(Array.isArray(items.required) ? items.required : []);
    const itemProps = isPlainObject(items.properties) ? items.properties : {};
    for (const k of Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'] : []) {
      const p = Object.hasOwn(itemProps, k) ? itemProps[k] : undefined;
      if (!p) continue;
      const kp = path.child('items').child('properties').key(k);
      if (!requiredKeys.has(k) && !hasDefault(p)) {
        errs.push(required(kp.child('default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
      }
      if (p.nullable === true) errs.push(forbidden(kp.child('nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
    }
  }
  return errs;
}

const NEWLINES = /[\n\r]+/;

/** The static part of x-kubernetes-validations (compiling the CEL is the schema runtime's job). */
function validateXValidations(s: JSONSchemaProps, path: FieldPath): FieldError[] {
  const rules = s['x-kubernetes-validations'];
  if (!Array.isArray(rules)) return [];
  const errs: FieldError[] = [];
  rules.forEach((r, i) => {
    const p = path.child('x-kubernetes-validations').index(i);
    const rule = typeof r?.rule === 'string' ? r.rule : '';
    const message = typeof r?.message === 'string' ? r.message : '';
    const messageExpression = typeof r?.messageExpression === 'string' ? r.messageExpression : '';
    const fieldPath = typeof r?.fieldPath === 'string' ? r.fieldPath : '';
    const trimmedRule = rule.trim();
    const trimmedMsg = message.trim();
    if (trimmedRule.length === 0) errs.push(required(p.child('rule'), 'rule is not specified'));
    else if (message.length > 0 && trimmedMsg.length === 0) errs.push(invalid(p.child('message'), message, 'must be non-empty if specified'));
    else if (NEWLINES.test(trimmedMsg)) errs.push(invalid(p.child('message'), message, 'must not contain line breaks'));
    else if (NEWLINES.test(trimmedRule) && trimmedMsg.length === 0) {
      errs.push(required(p.child('message'), 'message must be specified if rule contains line breaks'));
    }
    if (messageExpression.length > 0 && messageExpression.trim().length === 0) {
      errs.push(required(p.child('messageExpression'), 'messageExpression must be non-empty if specified'));
    }
    if (r?.reason !== undefined && r.reason !== null && !VALIDATION_REASONS.includes(r.reason)) {
      errs.push(notSupported(p.child('reason'), r.reason, VALIDATION_REASONS));
    }
    if (fieldPath.length > 0 && fieldPath.trim().length === 0) errs.push(invalid(p.child('fieldPath'), fieldPath, 'must be non-empty if specified'));
    if (NEWLINES.test(fieldPath)) errs.push(invalid(p.child('fieldPath'), fieldPath, 'must not contain line breaks'));
    if (fieldPath.length > 0 && !resolveFieldPath(fieldPath, s).ok) errs.push(invalid(p.child('fieldPath'), fieldPath, 'must be a valid path'));
  });
  return errs;
}
