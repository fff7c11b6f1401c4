import { Ajv, type ValidateFunction } from 'ajv';
import * as field from '../../apimachinery/validation/field-error.js';
import type { FieldError } from '../../apimachinery/validation/field-error.js';
import { toAjvSchema, type AjvSchema } from './ajv-schema.js';
import { toFieldErrors } from './kube-errors.js';

/** Validates a value against the schema's value validations, as kube-openapi does for a custom resource. */
export interface OpenAPIValidator {
  validate(value: unknown): FieldError[];
}

/**
 * Compiles a CRD version's openAPIV3Schema once with ajv (all errors, no
 * coercion, no defaults, no meta-schema check: the CRD was validated
 * already) and maps its findings to kube's field errors. A schema ajv cannot
 * compile (it should not happen after CRD validation) throws here, at
 * install time, never per request.
 */
export function compileOpenAPIValidator(openAPIV3Schema: unknown): OpenAPIValidator {
  const { schema, formats } = toAjvSchema(openAPIV3Schema);
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    validateSchema: false,
    addUsedSchema: false,
    messages: false,
    unicodeRegExp: true,
    code: { optimize: false },
  });
  for (const [name, check] of formats) ajv.addFormat(name, { type: 'string', validate: check });
  const fn: ValidateFunction = ajv.compile(schema);
  return { validate: (value) => run(fn, value, schema) };
}

function run(fn: ValidateFunction, value: unknown, schema: AjvSchema): FieldError[] {
  try {
    if (fn(value)) return [];
    return toFieldErrors(fn.errors ?? [], value, schema);
  } catch (err) {
    // A hostile value (say, a list nested too deep for deep equality) must not take the server down.
    return [field.internalError('', err instanceof Error ? err : String(err))];
  }
}
