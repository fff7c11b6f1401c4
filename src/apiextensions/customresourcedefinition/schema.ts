/**
 * kube's validateCustomResourceDefinitionValidation: one openAPIV3Schema
 * (top-level `spec.validation` or a version's `schema`). The order is kube's:
 * bounds first (ours), root restrictions when /status is enabled, nullable at
 * the root, structural rules then defaults, then the OpenAPI rules; NewStructural's
 * conversion error only when nothing else was found.
 */
import { type FieldError, forbidden, invalid, OMIT_VALUE } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { validateCelRules } from './cel-rules.js';
import { type OpenAPISchemaOptions, validateOpenAPISchema } from './openapi-schema.js';
import { validateDefaults } from './schema-defaults.js';
import { checkSchemaShape, isPlainObject } from './schema-walk.js';
import { newStructuralError, validateStructural } from './structural.js';
import type { CustomResourceValidation, JSONSchemaProps } from './types.js';

export interface SchemaValidationOptions extends OpenAPISchemaOptions {
  requireStructuralSchema: boolean;
  requirePrunedDefaults: boolean;
}

/** JSONSchemaProps in Go's field order, with the names kube prints (allowedFieldsAtRootSchema). */
const ROOT_FIELDS: ReadonlyArray<[keyof JSONSchemaProps, string]> = [
  ['id', 'ID'], ['$schema', 'Schema'], ['$ref', 'Ref'], ['description', 'Description'], ['type', 'Type'],
  ['format', 'Format'], ['title', 'Title'], ['default', 'Default'], ['maximum', 'Maximum'],
  ['exclusiveMaximum', 'ExclusiveMaximum'], ['minimum', 'Minimum'], ['exclusiveMinimum', 'ExclusiveMinimum'],
  ['maxLength', 'MaxLength'], ['minLength', 'MinLength'], ['pattern', 'Pattern'], ['maxItems', 'MaxItems'],
  ['minItems', 'MinItems'], ['uniqueItems', 'UniqueItems'], ['multipleOf', 'MultipleOf'], ['enum', 'Enum'],
  ['maxProperties', 'MaxProperties'], ['minProperties', 'MinProperties'], ['required', 'Required'],
  ['items', 'Items'], ['allOf', 'AllOf'], ['oneOf', 'OneOf'], ['anyOf', 'AnyOf'], ['not', 'Not'],
  ['properties', 'Properties'], ['additionalProperties', 'AdditionalProperties'],
  ['patternProperties', 'PatternProperties'], ['dependencies', 'Dependencies'],
  ['additionalItems', 'AdditionalItems'], ['definitions', 'Definitions'], ['externalDocs', 'ExternalDocs'],
  ['example', 'Example'], ['nullable', 'Nullable'],
  ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'],
  ['x-kubernetes-embedded-resource', 'XEmbeddedResource'], ['x-kubernetes-int-or-string', 'XIntOrString'],
  ['x-kubernetes-list-map-keys', 'XListMapKeys'], ['x-kubernetes-list-type', 'XListType'],
  ['x-kubernetes-map-type', 'XMapType'], ['x-kubernetes-validations', 'XValidations'],
];

const ALLOWED_AT_ROOT_WITH_STATUS = [
  'Description', 'Type', 'Format', 'Title', 'Maximum', 'ExclusiveMaximum', 'Minimum', 'ExclusiveMinimum',
  'MaxLength', 'MinLength', 'Pattern', 'MaxItems', 'MinItems', 'UniqueItems', 'MultipleOf', 'Required',
  'Items', 'Properties', 'ExternalDocs', 'Example', 'XPreserveUnknownFields', 'XValidations',
];

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isPlainObject(v) && Object.keys(v).length === 0;
}

/** With /status, status's schema is cut out as properties.status, so the root may only hold what survives that. */
function validateRootForStatus(schema: JSONSchemaProps, path: FieldPath): FieldError[] {
  for (const [key, goName] of ROOT_FIELDS) {
    if (isZero(schema[key])) continue;
    if (goName === 'Type') {
      if (schema.type !== 'object') {
        return [invalid(path.child('openAPIV3Schema.type'), schema.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled')];
      }
      continue;
    }
    if (!ALLOWED_AT_ROOT_WITH_STATUS.includes(goName)) {
      // kube prints the whole schema as the value; we leave it out to keep the Status small.
      return [invalid(path.child('openAPIV3Schema'), OMIT_VALUE, `only [${ALLOWED_AT_ROOT_WITH_STATUS.join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`)];
    }
  }
  return [];
}

export function validateCustomResourceValidation(
  validation: CustomResourceValidation | undefined,
  statusEnabled: boolean,
  opts: SchemaValidationOptions,
  path: FieldPath,
): FieldError[] {
  const schema = validation?.openAPIV3Schema;
  if (schema === undefined || schema === null) return [];
  const schemaPath = path.child('openAPIV3Schema');
  const shape = checkSchemaShape(schema, schemaPath);
  if (shape.errors.length > 0) return shape.errors;

  const errs: FieldError[] = [];
  if (statusEnabled) errs.push(...validateRootForStatus(schema, path));
  if (schema.nullable === true) errs.push(forbidden(path.child('openAPIV3Schema.nullable'), 'nullable cannot be true at the root'));

  const initErrs: FieldError[] = [];
  if (opts.requireStructuralSchema) {
    const initErr = newStructuralError(schema);
    if (initErr !== undefined) {
      initErrs.push(invalid(schemaPath, '', initErr));
    } else {
      const structural = validateStructural(schema, schemaPath);
      if (structural.length > 0) errs.push(...structural);
      else errs.push(...validateDefaults(schema, schemaPath, opts.requirePrunedDefaults));
    }
  }
  errs.push(...validateOpenAPISchema(schema, schemaPath, opts));
  // Rules are typed by the schema, so they are compiled only once the schema itself is valid.
  if (errs.length === 0 && initErrs.length === 0) errs.push(...validateCelRules(schema, schemaPath));
  // The conversion error repeats what the OpenAPI rules say better; kube shows it only alone.
  if (errs.length === 0) errs.push(...initErrs);
  return errs;
}
