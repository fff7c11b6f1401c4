/** The runtime of a custom resource's structural schema: validation, pruning, defaulting, type tree. */
export { compileCustomResourceSchema, type CustomResourceSchema, type CustomResourceSchemaOptions } from './compile.js';
export type { PruneResult } from './prune.js';
export { MAX_SCHEMA_DEPTH, type JSONSchemaProps, type Structural, toStructural } from './structural.js';
