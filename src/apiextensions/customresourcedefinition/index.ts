/**
 * The CustomResourceDefinition object itself: its v1 types, kube's defaulting,
 * validation (create, update, /status update) and warnings, as pure functions.
 * The registry's strategy calls them in kube's order: default, prepare
 * (status, storedVersions), validate, warnings.
 */
export * from './types.js';
export { defaultCustomResourceDefinition, defaultCustomResourceDefinitionSpec, DEFAULT_WEBHOOK_SERVICE_PORT } from './defaults.js';
export {
  type CRDValidationOptions,
  isProtectedCommunityGroup,
  MAX_SCHEMA_DEPTH,
  validateCustomResourceDefinition,
  validateCustomResourceDefinitionShape,
  validateCustomResourceDefinitionStatus,
  validateCustomResourceDefinitionStatusUpdate,
  validateCustomResourceDefinitionStoredVersions,
  validateCustomResourceDefinitionUpdate,
} from './validation.js';
export { warningsOnCreate, warningsOnUpdate } from './warnings.js';
export { enableLinearRegExp } from './go-regexp.js';
export { semanticEqual } from './internal.js';
