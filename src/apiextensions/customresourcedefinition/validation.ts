/**
 * kube's ValidateCustomResourceDefinition and ValidateCustomResourceDefinitionUpdate
 * (apiextensions-apiserver pkg/apis/apiextensions/validation). Pure functions
 * over a v1 object that defaults.ts has defaulted; every refusal is a
 * FieldError with kube's path and, where we could match it, kube's text.
 *
 * The generic ObjectMeta checks are the Store's (it runs them with the
 * resource's nameValidator); pass `{ objectMeta: true }` to run them here too.
 * The CRD-specific name rule (`<plural>.<group>`) is always checked here.
 *
 * Bounds: a schema node MAX_SCHEMA_DEPTH (64) or more levels deep is refused with one
 * error at the first too-deep node before any recursive rule runs; everything
 * else is linear in the schema's size.
 */
import { type FieldError, invalid, required } from '../../apimachinery/validation/field-error.js';
import { FIELD_IMMUTABLE_ERROR_MSG } from '../../apimachinery/validation/metadata-fields.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../apimachinery/validation/object-meta.js';
import { FieldPath } from '../../apimachinery/validation/path.js';
import { isValidCABundle } from './ca-bundle.js';
import { hasValidConversionReviewVersionOrEmpty } from './conversion.js';
import { type InternalSpec, semanticEqual, toInternalSpec } from './internal.js';
import { validateCustomResourceDefinitionNames } from './names.js';
import {
  allVersionsSpecifyOpenAPISchema,
  specHasInvalidMapListKeysMapSet,
  specHasInvalidTypes,
  specHasNonAtomicSetType,
  specHasNonStructuralSchema,
  specHasUnprunedDefaults,
} from './schema-has.js';
import { checkSchemaShape } from './schema-walk.js';
import { MAX_SELECTABLE_FIELDS } from './selectable-fields.js';
import { checkShape, CRD_SHAPE } from './shape.js';
import { type SpecValidationOptions, validateCustomResourceDefinitionSpec } from './spec.js';
import {
  type CustomResourceDefinition,
  type CustomResourceDefinitionSpec,
  type CustomResourceDefinitionStatus,
  type CustomResourceDefinitionVersion,
  KUBE_API_APPROVED_ANNOTATION,
} from './types.js';

export { MAX_SCHEMA_DEPTH } from './schema-walk.js';

export interface CRDValidationOptions {
  /** Also run the generic ObjectMeta checks (name format, labels, annotations...). Default false: the Store does. */
  objectMeta?: boolean;
}

const SPEC = FieldPath.of('spec');
const STATUS = FieldPath.of('status');
const METADATA = FieldPath.of('metadata');

/**
 * kube's nameValidationFn: a CRD is named `<spec.names.plural>.<spec.group>`.
 * Kube runs it on generateName too, so a generated name is always refused.
 */
function validateCRDName(crd: CustomResourceDefinition): FieldError[] {
  const required = `${crd.spec?.names?.plural ?? ''}.${crd.spec?.group ?? ''}`;
  const errs: FieldError[] = [];
  const check = (field: 'name' | 'generateName'): void => {
    const value = crd.metadata?.[field];
    if (value && value !== required) errs.push(invalid(METADATA.child(field), value, 'must be spec.names.plural+"."+spec.group'));
  };
  check('generateName');
  check('name');
  return errs;
}

/**
 * The decoding-level checks: JSON types of every field, schemas shallower than
 * MAX_SCHEMA_DEPTH. When these fail nothing else is checked (the rules assume types).
 */
export function validateCustomResourceDefinitionShape(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  checkShape(crd, CRD_SHAPE, FieldPath.of(''), errs);
  if (errs.length > 0) return errs;
  const versions = crd.spec?.versions ?? [];
  versions.forEach((v, i) => {
    const schema = v?.schema?.openAPIV3Schema;
    if (schema !== undefined && schema !== null) {
      errs.push(...checkSchemaShape(schema, SPEC.child('versions').index(i).child('schema', 'openAPIV3Schema')).errors);
    }
  });
  return errs;
}

const specOf = (crd: CustomResourceDefinition): InternalSpec => toInternalSpec(crd.spec ?? ({} as CustomResourceDefinitionSpec));

function createOptions(): SpecValidationOptions {
  return {
    allowDefaults: true,
    requireRecognizedConversionReviewVersion: true,
    requireImmutableNames: false,
    requireOpenAPISchema: true,
    requireValidPropertyType: true,
    requireStructuralSchema: true,
    requirePrunedDefaults: true,
    requireAtomicSetType: true,
    requireMapListKeysMapSetValidation: true,
    allowInvalidCABundle: true,
    allowTooManySelectableFields: new Set(),
  };
}

export function validateCustomResourceDefinition(crd: CustomResourceDefinition, options: CRDValidationOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (options.objectMeta) errs.push(...validateObjectMeta(crd.metadata ?? {}, { namespaced: false, nameValidator: nameIsDNSSubdomain }));
  const shape = validateCustomResourceDefinitionShape(crd);
  if (shape.length > 0) return [...errs, ...shape];
  errs.push(...validateCRDName(crd));
  errs.push(...validateCustomResourceDefinitionSpec(specOf(crd), createOptions(), SPEC));
  errs.push(...validateRest(crd, undefined));
  return errs;
}

export function validateCustomResourceDefinitionUpdate(
  crd: CustomResourceDefinition,
  old: CustomResourceDefinition,
  options: CRDValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (options.objectMeta) errs.push(...validateObjectMetaUpdate(crd.metadata ?? {}, old.metadata ?? {}));
  const shape = validateCustomResourceDefinitionShape(crd);
  if (shape.length > 0) return [...errs, ...shape];
  const spec = specOf(crd);
  const oldSpec = specOf(old);
  const opts = updateOptions(crd, old, oldSpec);
  errs.push(...validateCustomResourceDefinitionSpec(spec, opts, SPEC));
  if (opts.requireImmutableNames) {
    // Storage layout depends on these once the resource is served.
    errs.push(...immutable(spec.scope, oldSpec.scope, SPEC.child('scope')));
    errs.push(...immutable(spec.names.kind ?? '', oldSpec.names.kind ?? '', SPEC.child('names', 'kind')));
  }
  // These make up the CRD's name, which never changes.
  errs.push(...immutable(spec.group, oldSpec.group, SPEC.child('group')));
  errs.push(...immutable(spec.names.plural ?? '', oldSpec.names.plural ?? '', SPEC.child('names', 'plural')));
  errs.push(...validateRest(crd, old));
  return errs;
}

/** kube's ValidateUpdateCustomResourceDefinitionStatus: the /status endpoint's checks. */
export function validateCustomResourceDefinitionStatusUpdate(
  crd: CustomResourceDefinition,
  old: CustomResourceDefinition,
  options: CRDValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (options.objectMeta) errs.push(...validateObjectMetaUpdate(crd.metadata ?? {}, old.metadata ?? {}));
  const shape = validateCustomResourceDefinitionShape(crd);
  if (shape.length > 0) return [...errs, ...shape];
  errs.push(...validateCustomResourceDefinitionStatus(crd.status ?? {}, STATUS));
  return errs;
}

const immutable = (next: string, prev: string, path: FieldPath): FieldError[] =>
  next === prev ? [] : [invalid(path, next, FIELD_IMMUTABLE_ERROR_MSG)];

/** Status, stored versions, API approval and preserveUnknownFields: the same on create and update. */
function validateRest(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  return [
    ...validateCustomResourceDefinitionStatus(crd.status ?? {}, STATUS),
    ...validateCustomResourceDefinitionStoredVersions(crd.status?.storedVersions ?? [], crd.spec?.versions ?? [], STATUS.child('storedVersions')),
    ...validateAPIApproval(crd, old),
    ...validatePreserveUnknownFields(crd, old),
  ];
}

export function validateCustomResourceDefinitionStatus(status: CustomResourceDefinitionStatus, path: FieldPath): FieldError[] {
  return validateCustomResourceDefinitionNames(status.acceptedNames ?? {}, path.child('acceptedNames'));
}

/** A version that ever stored objects stays in spec.versions until a migration removes it from storedVersions. */
export function validateCustomResourceDefinitionStoredVersions(
  storedVersions: readonly string[],
  versions: readonly CustomResourceDefinitionVersion[],
  path: FieldPath,
): FieldError[] {
  if (storedVersions.length === 0) return [invalid(path, storedVersions, 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map<string, number>();
  storedVersions.forEach((v, i) => remaining.set(v, i));
  for (const v of versions) {
    const stored = remaining.has(v.name);
    if (v.storage && !stored) errs.push(invalid(path, storedVersions, `must have the storage version ${v.name}`));
    remaining.delete(v.name);
  }
  for (const [v, i] of remaining) {
    errs.push(invalid(path.index(i), v, `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`));
  }
  return errs;
}

/** Groups the Kubernetes project owns need the api-approved.kubernetes.io annotation. */
export const isProtectedCommunityGroup = (group: string): boolean =>
  group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');

type ApprovalState = 'invalid' | 'approved' | 'bypassed' | 'missing';

function approvalState(annotations: Readonly<Record<string, string>> | null | undefined): [ApprovalState, string] {
  const value = annotations?.[KUBE_API_APPROVED_ANNOTATION] ?? '';
  if (value.length === 0) {
    return ['missing', `protected groups must have approval annotation "${KUBE_API_APPROVED_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`];
  }
  if (value.startsWith('unapproved')) return ['bypassed', `not approved: "${value}"`];
  if (isAbsoluteURLWithHost(value)) return ['approved', `approved in ${value}`];
  return ['invalid', `protected groups must have approval annotation "${KUBE_API_APPROVED_ANNOTATION}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`];
}

/** url.ParseRequestURI plus a scheme and a host. */
function isAbsoluteURLWithHost(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]/.test(value)) return false;
  try {
    const u = new URL(value);
    return u.host.length > 0 && u.protocol.length > 1;
  } catch {
    return false;
  }
}

function validateAPIApproval(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  if (!isProtectedCommunityGroup(crd.spec?.group ?? '')) return [];
  const [state, reason] = approvalState(crd.metadata?.annotations);
  // An unchanged state is kept, so CRDs created before the rule can still be updated.
  if (old !== undefined && approvalState(old.metadata?.annotations)[0] === state) return [];
  const path = METADATA.child('annotations').key(KUBE_API_APPROVED_ANNOTATION);
  if (state === 'missing') return [required(path, reason)];
  if (state === 'invalid') return [invalid(path, crd.metadata?.annotations?.[KUBE_API_APPROVED_ANNOTATION] ?? '', reason)];
  return [];
}

function validatePreserveUnknownFields(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  if (old?.spec?.preserveUnknownFields === true) return [];
  if (crd.spec?.preserveUnknownFields !== true) return [];
  return [invalid(SPEC.child('preserveUnknownFields'), true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead')];
}

const isEstablished = (crd: CustomResourceDefinition): boolean =>
  (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');

/** Update options: each rule the old CRD already broke is relaxed (kube's ratcheting). */
function updateOptions(crd: CustomResourceDefinition, old: CustomResourceDefinition, oldSpec: InternalSpec): SpecValidationOptions {
  return {
    allowDefaults: true,
    requireRecognizedConversionReviewVersion: oldSpec.conversion === undefined || hasValidConversionReviewVersionOrEmpty(oldSpec.conversion.conversionReviewVersions),
    requireImmutableNames: isEstablished(old),
    requireOpenAPISchema: allVersionsSpecifyOpenAPISchema(oldSpec),
    requireValidPropertyType: !specHasInvalidTypes(oldSpec),
    requireStructuralSchema: !specHasNonStructuralSchema(oldSpec),
    requirePrunedDefaults: !specHasUnprunedDefaults(oldSpec),
    requireAtomicSetType: !specHasNonAtomicSetType(oldSpec),
    requireMapListKeysMapSetValidation: !specHasInvalidMapListKeysMapSet(oldSpec),
    allowInvalidCABundle: allowInvalidCABundle(old, oldSpec),
    allowTooManySelectableFields: tooManySelectableFieldsAllowed(crd, old),
  };
}

/** A bad caBundle is tolerated before Establishment, or when the stored one was already bad. */
function allowInvalidCABundle(old: CustomResourceDefinition, oldSpec: InternalSpec): boolean {
  if (!isEstablished(old)) return true;
  const bundle = oldSpec.conversion?.webhookClientConfig?.caBundle;
  if (!bundle) return false;
  return !isValidCABundle(bundle);
}

function tooManySelectableFieldsAllowed(crd: CustomResourceDefinition, old: CustomResourceDefinition): Set<string> {
  const out = new Set<string>();
  const spec = specOf(crd);
  const oldSpec = specOf(old);
  if (oldSpec.selectableFields.length > MAX_SELECTABLE_FIELDS && semanticEqual(spec.selectableFields, oldSpec.selectableFields)) out.add('');
  const oldVersions = new Map(oldSpec.versions.map((v) => [v.name, v]));
  for (const v of spec.versions) {
    const o = oldVersions.get(v.name);
    if (o && o.selectableFields.length > MAX_SELECTABLE_FIELDS && semanticEqual(v.selectableFields, o.selectableFields)) out.add(v.name);
  }
  return out;
}
