import { invalid, type FieldError } from '../../../apimachinery/validation/field-error.js';
import type { AccessReview, SubjectAccessReviewSpec } from './types.js';

const present = (v: unknown): boolean => typeof v === 'object' && v !== null;

/** kube's ValidateSelfSubjectAccessReviewSpec: exactly one of resourceAttributes and nonResourceAttributes. */
export function validateAccessReviewAttributes(spec: SubjectAccessReviewSpec): FieldError[] {
  const errs: FieldError[] = [];
  const res = present(spec.resourceAttributes);
  const nonRes = present(spec.nonResourceAttributes);
  if (res && nonRes) errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes'));
  if (!res && !nonRes) errs.push(invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  return errs;
}

/** kube's ValidateSubjectAccessReviewSpec: the attributes, and a user or a group to ask about. */
export function validateSubjectAccessReviewSpec(spec: SubjectAccessReviewSpec): FieldError[] {
  const errs = validateAccessReviewAttributes(spec);
  const groups = Array.isArray(spec.groups) ? spec.groups : [];
  if (!spec.user && groups.length === 0) errs.push(invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  return errs;
}

/** metadata must be empty (kube ignores managedFields; a null creationTimestamp is what clients send). */
export function validateEmptyMetadata(review: AccessReview, allowNamespace: boolean): FieldError[] {
  const meta = { ...review.metadata };
  delete meta.managedFields;
  if (meta.creationTimestamp === null) delete meta.creationTimestamp;
  if (allowNamespace) delete meta.namespace;
  const empty = Object.values(meta).every((v) => v === undefined || v === '' || (typeof v === 'object' && v !== null && Object.keys(v).length === 0));
  if (empty) return [];
  return [invalid('metadata', review.metadata, allowNamespace ? 'must be empty except for namespace' : 'must be empty')];
}
