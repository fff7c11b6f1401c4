/**
 * kube's validateCustomResourceDefinitionSpec and validateCustomResourceDefinitionVersion,
 * over the internal view (internal.ts) so that paths match kube's. Kube's
 * checks that top-level and per-version fields are not both set, or not all
 * identical, cannot fail for v1 input (hoisting ensures it) and are left out,
 * as are the deprecated spec.version checks (it is always versions[0].name).
 */
import { type FieldError, invalid, OMIT_VALUE, required } from '../../apimachinery/validation/field-error.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../apimachinery/validation/names.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { validateCustomResourceConversion, validateEnumString } from './conversion.js';
import type { InternalSpec, InternalVersion } from './internal.js';
import { validateCustomResourceDefinitionNames } from './names.js';
import { validateCustomResourceColumnDefinition, validateCustomResourceDefinitionSubresources } from './printer-columns.js';
import { type SchemaValidationOptions, validateCustomResourceValidation } from './schema.js';
import { specHasDefaults, specHasKubernetesExtensions } from './schema-has.js';
import { isPlainObject } from './schema-walk.js';
import { validateSelectableFields } from './selectable-fields.js';
import { newStructuralError } from './structural.js';
import type { CustomResourceSubresources, JSONSchemaProps, SelectableField } from './types.js';

/** kube's validationOptions; create uses strict values, update relaxes rules the old object already broke. */
export interface SpecValidationOptions extends SchemaValidationOptions {
  allowDefaults: boolean;
  requireRecognizedConversionReviewVersion: boolean;
  requireImmutableNames: boolean;
  requireOpenAPISchema: boolean;
  /** False only on updates of an Established CRD whose stored caBundle was valid. */
  allowInvalidCABundle: boolean;
  /** Versions ('' for the top level) whose unchanged selectableFields may stay above the limit. */
  allowTooManySelectableFields: ReadonlySet<string>;
}

const hasStatus = (sub: CustomResourceSubresources | undefined): boolean => sub?.status !== undefined && sub?.status !== null;

function subresourcesForVersion(spec: InternalSpec, version: InternalVersion): CustomResourceSubresources | undefined {
  return spec.versions.some((v) => v.subresources) ? version.subresources : spec.subresources;
}

/** kube's validateDeprecationWarning: printable, 1..256 bytes, deprecated versions only. */
function validateDeprecationWarning(deprecated: boolean, warning: string | undefined): string[] {
  if (!deprecated && warning !== undefined && warning !== null) return ['can only be set for deprecated versions'];
  if (warning === undefined || warning === null) return [];
  const errs: string[] = [];
  const bytes = Buffer.from(warning, 'utf8');
  if (bytes.length > 256) errs.push('must be <= 256 characters long');
  if (warning.length === 0) errs.push('must not be an empty string');
  let index = 0;
  for (const ch of warning) {
    if (/^\p{Cc}$/u.test(ch)) {
      errs.push(`must only contain printable UTF-8 characters; control character found at index ${index}`);
      break;
    }
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      errs.push(`must only contain printable UTF-8 characters; non-printable character found at index ${index}`);
      break;
    }
    index += Buffer.byteLength(ch, 'utf8');
  }
  return errs;
}

function validateSelectable(fields: readonly SelectableField[], schema: JSONSchemaProps | undefined, path: FieldPath, schemaPath: FieldPath, missing: string, opts: SpecValidationOptions, key: string): FieldError[] {
  if (fields.length === 0) return [];
  if (!isPlainObject(schema)) return [invalid(path, '', missing)];
  const errs: FieldError[] = [];
  const initErr = newStructuralError(schema);
  if (initErr) errs.push(invalid(schemaPath, '', initErr));
  const fieldErrs = validateSelectableFields(fields, schema, path);
  // An unchanged list already above the limit stays accepted.
  return [...errs, ...(opts.allowTooManySelectableFields.has(key) ? fieldErrs.filter((e) => e.type !== 'FieldValueTooMany') : fieldErrs)];
}

function validateVersion(spec: InternalSpec, v: InternalVersion, path: FieldPath, opts: SpecValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  for (const msg of validateDeprecationWarning(v.deprecated, v.deprecationWarning)) {
    errs.push(invalid(path.child('deprecationWarning'), v.deprecationWarning ?? null, msg));
  }
  errs.push(...validateCustomResourceValidation(v.schema, hasStatus(subresourcesForVersion(spec, v)), opts, path.child('schema')));
  errs.push(...validateCustomResourceDefinitionSubresources(v.subresources, path.child('subresources')));
  v.additionalPrinterColumns.forEach((col, i) => errs.push(...validateCustomResourceColumnDefinition(col, path.child('additionalPrinterColumns').index(i))));
  // Not kube: kube reads only the version's own schema here, so hoisting (identical schemas) made
  // differing selectableFields fail; the version's effective schema is what a selector reads.
  const schema = v.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema;
  errs.push(...validateSelectable(v.selectableFields, schema, path.child('selectableFields'), path.child('schema.openAPIV3Schema'),
    'may only be set when `version.schema.openAPIV3Schema` is not included', opts, v.name));
  return errs;
}

export function validateCustomResourceDefinitionSpec(spec: InternalSpec, options: SpecValidationOptions, path: FieldPath): FieldError[] {
  const opts = { ...options };
  const errs: FieldError[] = [];
  const preserveUnknownFields = spec.preserveUnknownFields === true;

  if (spec.group.length === 0) errs.push(required(path.child('group'), ''));
  else {
    const msgs = isDNS1123Subdomain(spec.group);
    if (msgs.length > 0) errs.push(invalid(path.child('group'), spec.group, msgs.join(',')));
    else if (spec.group.split('.').length < 2) errs.push(invalid(path.child('group'), spec.group, 'should be a domain with at least one dot'));
  }
  errs.push(...validateEnumString(path.child('scope'), spec.scope, ['Cluster', 'Namespaced'], true));

  // Pruning (preserveUnknownFields false) needs structural schemas.
  if (!preserveUnknownFields) opts.requireStructuralSchema = true;
  const versionsPath = path.child('versions');
  if (opts.requireOpenAPISchema) {
    if (!isPlainObject(spec.validation?.openAPIV3Schema)) {
      spec.versions.forEach((v, i) => {
        if (!isPlainObject(v.schema?.openAPIV3Schema)) errs.push(required(versionsPath.index(i).child('schema').child('openAPIV3Schema'), ''));
      });
    }
  } else if (!preserveUnknownFields && !isPlainObject(spec.validation?.openAPIV3Schema)) {
    spec.versions.forEach((v, i) => {
      if (v.served && !isPlainObject(v.schema?.openAPIV3Schema)) {
        errs.push(required(versionsPath.index(i).child('schema', 'openAPIV3Schema'), 'because otherwise all fields are pruned'));
      }
    });
  }
  if (opts.allowDefaults && specHasDefaults(spec)) {
    opts.requireStructuralSchema = true;
    if (preserveUnknownFields) errs.push(invalid(path.child('preserveUnknownFields'), true, 'must be false in order to use defaults in the schema'));
  }
  if (specHasKubernetesExtensions(spec)) opts.requireStructuralSchema = true;

  let storageFlagCount = 0;
  const names = new Set<string>();
  let uniqueNames = true;
  spec.versions.forEach((v, i) => {
    if (v.storage) storageFlagCount++;
    if (names.has(v.name)) uniqueNames = false;
    names.add(v.name);
    const msgs = isDNS1035Label(v.name);
    if (msgs.length > 0) errs.push(invalid(versionsPath.index(i).child('name'), v.name, msgs.join(',')));
    errs.push(...validateVersion(spec, v, versionsPath.index(i), opts));
  });
  // kube prints the whole versions list as the value; left out to keep the Status small. No
  // versions at all fails the storage check (kube has no other rule for it, nor one for served).
  if (!uniqueNames) errs.push(invalid(versionsPath, OMIT_VALUE, 'must contain unique version names'));
  if (storageFlagCount !== 1) errs.push(invalid(versionsPath, OMIT_VALUE, 'must have exactly one version marked as storage version'));

  // Required here but not in status.acceptedNames, which shares the format checks.
  const n = spec.names;
  for (const [key, value] of [['plural', n.plural], ['singular', n.singular], ['kind', n.kind], ['listKind', n.listKind]] as const) {
    if (typeof value !== 'string' || value.length === 0) errs.push(required(path.child('names', key), ''));
  }
  errs.push(...validateCustomResourceDefinitionNames(n, path.child('names')));
  const anyStatus = hasStatus(spec.subresources) || spec.versions.some((v) => hasStatus(v.subresources));
  errs.push(...validateCustomResourceValidation(spec.validation, anyStatus, opts, path.child('validation')));
  errs.push(...validateCustomResourceDefinitionSubresources(spec.subresources, path.child('subresources')));
  spec.additionalPrinterColumns.forEach((col, i) => errs.push(...validateCustomResourceColumnDefinition(col, path.child('additionalPrinterColumns').index(i))));
  errs.push(...validateSelectable(spec.selectableFields, spec.validation?.openAPIV3Schema, path.child('selectableFields'),
    path.child('schema.openAPIV3Schema'), 'may only be set when validations.schema is included', opts, ''));

  if (spec.conversion && spec.conversion.strategy !== 'None' && preserveUnknownFields) {
    errs.push(invalid(path.child('conversion').child('strategy'), spec.conversion.strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  errs.push(...validateCustomResourceConversion(spec.conversion, opts.requireRecognizedConversionReviewVersion, path.child('conversion'), opts.allowInvalidCABundle));
  return errs;
}
