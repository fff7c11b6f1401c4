/**
 * The runtime of a custom resource's structural schema, compiled once per
 * CRD version: validation, pruning, defaulting, and the schema as
 * field-validation's TypeNode. Pure modules: no storage, no HTTP.
 *
 * kube's order, which the serving path follows:
 * - write (create/update/patch body): unknown and duplicate fields for
 *   fieldValidation (toTypeNode + findUnknownAndDuplicateFields, or the
 *   unknownFields of prune), then `prune` (drops unknown fields and
 *   non-nullable nulls without a default, coerces metadata to ObjectMeta),
 *   then `default`, then `validate(obj, old?)`;
 * - read of a stored object: `prune`, then `default`.
 */
export { compileCustomResourceSchema, type CustomResourceSchema, type CustomResourceSchemaOptions } from './compile.js';
export type { PruneResult } from './prune.js';
export { MAX_SCHEMA_DEPTH, type JSONSchemaProps, type Structural, toStructural } from './structural.js';
/** The value validator alone (kube-openapi's), e.g. for checking a schema's defaults against it. */
export { toValueSchema, type ValueSchema } from './value-schema.js';
export { underRoot, validateValue } from './value-validate.js';
export { formatChecker } from './formats.js';
