/**
 * metav1 label validation (kube's apis/meta/v1/validation): label maps and
 * metav1.LabelSelector as it appears in specs.
 */
import * as field from './field-error.js';
import type { FieldPath } from './path.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import type { LabelSelectorRequirementSpec, LabelSelectorSpec } from '../labels.js';

export function validateLabelName(name: string, path: FieldPath): field.FieldError[] {
  return isQualifiedName(name).map((msg) => field.invalid(path, name, msg));
}

/** Keys must be qualified names and values label values; errors name the map, as kube's do. */
export function validateLabels(labels: Readonly<Record<string, string>> | null | undefined, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    errs.push(...isValidLabelValue(v).map((msg) => field.invalid(path, v, msg)));
  }
  return errs;
}

export interface LabelSelectorValidationOptions {
  /** Keep accepting invalid values already persisted (kube sets it on update when the old object had them). */
  allowInvalidLabelValueInSelector?: boolean;
  /** Let unknown operators pass (as kube does for SubjectAccessReviews). */
  allowUnknownOperatorInRequirement?: boolean;
}

export function validateLabelSelectorRequirement(
  req: LabelSelectorRequirementSpec,
  opts: LabelSelectorValidationOptions,
  path: FieldPath,
): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(field.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(field.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) {
        errs.push(field.invalid(path.child('operator'), req.operator, 'not a valid selector operator'));
      }
  }
  errs.push(...validateLabelName(req.key, path.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      errs.push(...isValidLabelValue(v).map((msg) => field.invalid(path.child('values').index(i), v, msg)));
    });
  }
  return errs;
}

/** kube's ValidateLabelSelector; a missing selector is valid here (callers that need one say so). */
export function validateLabelSelector(
  ls: LabelSelectorSpec | null | undefined,
  opts: LabelSelectorValidationOptions,
  path: FieldPath,
): field.FieldError[] {
  if (!ls) return [];
  const errs = validateLabels(ls.matchLabels, path.child('matchLabels'));
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, opts, path.child('matchExpressions').index(i)));
  });
  return errs;
}
