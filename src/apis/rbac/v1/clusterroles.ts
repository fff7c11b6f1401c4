/** rbac.authorization.k8s.io/v1 clusterroles (kube's pkg/registry/rbac/clusterrole), aggregationRule included. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { FieldError } from '../../../apimachinery/validation/field-error.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { validateLabelSelector } from '../../../apimachinery/validation/labels.js';
import { isValidLabelValue } from '../../../apimachinery/validation/names.js';
import { type LabelSelectorSpec, labelSelectorAsSelector } from '../../../apimachinery/labels.js';
import { createdAtColumn } from './tables.js';
import { isRecord, listOf, type ClusterRole } from './types.js';
import { validateRBACName, validateRules } from './validation.js';

const selectorsOf = (r: ClusterRole): LabelSelectorSpec[] | undefined =>
  isRecord(r.aggregationRule) ? listOf<LabelSelectorSpec>(r.aggregationRule.clusterRoleSelectors) : undefined;

/** Whether a stored selector already holds a label value kube would refuse today (kept valid on update). */
function hasInvalidLabelValueInSelector(r: ClusterRole): boolean {
  return (selectorsOf(r) ?? []).some((s) =>
    listOf<{ values?: string[] }>(isRecord(s) ? s.matchExpressions : undefined).some((e) =>
      listOf<string>(e?.values).some((v) => typeof v === 'string' && isValidLabelValue(v).length > 0),
    ),
  );
}

/** kube's ValidateClusterRole, metadata aside. */
export function validateClusterRole(r: ClusterRole, allowInvalidLabelValueInSelector = false): FieldError[] {
  const errs = validateRules(r.rules, false);
  const selectors = selectorsOf(r);
  if (selectors === undefined) return errs;
  const path = FieldPath.of('aggregationRule', 'clusterRoleSelectors');
  if (selectors.length === 0) errs.push(field.required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((selector, i) => {
    const sel = isRecord(selector) ? selector : {};
    errs.push(...validateLabelSelector(sel, { allowInvalidLabelValueInSelector }, path.index(i)));
    try {
      labelSelectorAsSelector(sel);
    } catch {
      // kube prints the (nil) selector it failed to build.
      errs.push(field.invalid(path.index(i), null, 'invalid label selector.'));
    }
  });
  return errs;
}

export const clusterRoles: ResourceDefinition<ClusterRole> = {
  info: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    singularName: 'clusterrole',
    kind: 'ClusterRole',
    namespaced: false,
  },
  nameValidator: validateRBACName,
  strategy: {
    validate: (r) => validateClusterRole(r),
    validateUpdate: (r, old) => validateClusterRole(r, hasInvalidLabelValueInSelector(old)),
  },
  generation: 'none',
  tableColumns: [createdAtColumn<ClusterRole>()],
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: true,
};
