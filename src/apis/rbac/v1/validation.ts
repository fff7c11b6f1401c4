/**
 * kube's RBAC validation shared by the four kinds (pkg/apis/rbac/validation):
 * names, policy rules, role references and subjects, with kube's messages.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { goQuote } from '../../../apimachinery/validation/go-format.js';
import { type NameValidator, isDNS1123Subdomain, isValidPathSegmentName } from '../../../apimachinery/validation/names.js';
import { isRecord, listOf, RBAC_GROUP, type PolicyRule, type RoleBinding, type RoleRef, type Subject } from './types.js';

/**
 * kube's ValidateRBACName: only what keeps the name one URL path segment. Kube
 * applies the full check to generateName too (it ignores `prefix`).
 */
export const validateRBACName: NameValidator = (name) => isValidPathSegmentName(name);

const strings = (v: unknown): string[] => listOf<unknown>(v).filter((s): s is string => typeof s === 'string');

/** kube's ValidatePolicyRule; `namespaced` rules (a Role's) may not name non-resource URLs. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: FieldPath): field.FieldError[] {
  const r = isRecord(rule) ? rule : {};
  const errs: field.FieldError[] = [];
  if (listOf(r.verbs).length === 0) errs.push(field.required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = strings(r.nonResourceURLs);
  if (listOf(r.nonResourceURLs).length > 0) {
    if (namespaced) errs.push(field.invalid(path.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (listOf(r.apiGroups).length > 0 || listOf(r.resources).length > 0 || listOf(r.resourceNames).length > 0) {
      errs.push(field.invalid(path.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (listOf(r.apiGroups).length === 0) errs.push(field.required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (listOf(r.resources).length === 0) errs.push(field.required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRules(rules: unknown, namespaced: boolean): field.FieldError[] {
  const path = FieldPath.of('rules');
  return listOf<PolicyRule>(rules).flatMap((rule, i) => validatePolicyRule(rule, namespaced, path.index(i)));
}

const SERVICE_ACCOUNT = 'ServiceAccount';
const SUBJECT_KINDS = [SERVICE_ACCOUNT, 'User', 'Group'];

/** kube's ValidateRoleBindingSubject; a ClusterRoleBinding's ServiceAccount subjects need a namespace. */
export function validateSubject(subject: Subject, namespaced: boolean, path: FieldPath): field.FieldError[] {
  const s = isRecord(subject) ? subject : {};
  const errs: field.FieldError[] = [];
  const name = typeof s.name === 'string' ? s.name : '';
  const apiGroup = typeof s.apiGroup === 'string' ? s.apiGroup : '';
  if (!name) errs.push(field.required(path.child('name')));
  switch (s.kind) {
    case SERVICE_ACCOUNT:
      if (name) errs.push(...isDNS1123Subdomain(name).map((msg) => field.invalid(path.child('name'), name, msg)));
      if (apiGroup) errs.push(field.notSupported(path.child('apiGroup'), apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(field.required(path.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(field.notSupported(path.child('apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(field.notSupported(path.child('kind'), String(s.kind ?? ''), SUBJECT_KINDS));
  }
  return errs;
}

const refOf = (b: RoleBinding): RoleRef => (isRecord(b.roleRef) ? b.roleRef : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The roleRef and subjects of a binding; `kinds` are the role kinds it may reference. */
export function validateBinding(b: RoleBinding, namespaced: boolean, kinds: readonly string[]): field.FieldError[] {
  const ref = refOf(b);
  const roleRef = FieldPath.of('roleRef');
  const errs: field.FieldError[] = [];
  if (text(ref.apiGroup) !== RBAC_GROUP) errs.push(field.notSupported(roleRef.child('apiGroup'), text(ref.apiGroup), [RBAC_GROUP]));
  if (!kinds.includes(text(ref.kind))) errs.push(field.notSupported(roleRef.child('kind'), text(ref.kind), kinds));
  const name = text(ref.name);
  if (!name) errs.push(field.required(roleRef.child('name')));
  else errs.push(...validateRBACName(name, false).map((msg) => field.invalid(roleRef.child('name'), name, msg)));
  const subjects = FieldPath.of('subjects');
  listOf<Subject>(b.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, subjects.index(i))));
  return errs;
}

/** Go's %#v of the internal rbac.RoleRef, which kube prints in "cannot change roleRef". */
const goRoleRef = (ref: RoleRef): field.StringerValue =>
  new field.StringerValue(`rbac.RoleRef{APIGroup:${goQuote(text(ref.apiGroup))}, Kind:${goQuote(text(ref.kind))}, Name:${goQuote(text(ref.name))}}`);

/** A binding's roleRef never changes: delete and recreate the binding instead. */
export function validateRoleRefUnchanged(next: RoleBinding, old: RoleBinding): field.FieldError[] {
  const a = refOf(next);
  const b = refOf(old);
  const same = text(a.apiGroup) === text(b.apiGroup) && text(a.kind) === text(b.kind) && text(a.name) === text(b.name);
  return same ? [] : [field.invalid('roleRef', goRoleRef(a), 'cannot change roleRef')];
}

/** kube's SetDefaults_RoleBinding/_ClusterRoleBinding and SetDefaults_Subject. */
export function defaultBinding(b: RoleBinding): void {
  // roleRef is a struct in Go, so it is always there to default.
  if (!isRecord(b.roleRef)) b.roleRef = {};
  if (!b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of listOf<Subject>(b.subjects)) {
    // A ServiceAccount's group defaults to "", which JSON leaves out anyway.
    if (isRecord(s) && !s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}
