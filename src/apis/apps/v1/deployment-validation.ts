/**
 * kube's apps validation for Deployments (ValidateDeploymentSpec,
 * ValidateDeploymentStatus and the update rules of the deployment strategy),
 * with kube's paths and messages. Metadata is the Store's job.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import { sameSelector } from './workload-helpers.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { validateLabelSelector } from '../../../apimachinery/validation/labels.js';
import { FIELD_IMMUTABLE_ERROR_MSG, validateNonnegativeField } from '../../../apimachinery/validation/metadata-fields.js';
import { regexError } from '../../../apimachinery/validation/names.js';
import { goQuote } from '../../../apimachinery/validation/go-format.js';
import { type LabelSelector, type LabelSelectorSpec, labelSelectorAsSelector } from '../../../apimachinery/labels.js';
import { goIntOrString, goLabelSelector, goStringMap } from './go-values.js';
import { validatePodTemplateSpec } from './pod-template-validation.js';
import {
  isRecord,
  type Deployment,
  type DeploymentSpec,
  type DeploymentStatus,
  type DeploymentStrategy,
  type IntOrString,
  type PodTemplateSpec,
  type RollingUpdateDeployment,
} from './types.js';

const SPEC = FieldPath.of('spec');
const STATUS = FieldPath.of('status');

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

const PERCENT_FMT = '[0-9]+%';
const isValidPercent = (s: string): string[] =>
  /^[0-9]+%$/.test(s) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%')];

/** kube's getIntOrPercentValue: a valid percent's number, else the int (a non-numeric string counts as 0). */
function intOrPercentValue(v: IntOrString | null | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return 0;
  if (isValidPercent(v).length === 0) return Number.parseInt(v.slice(0, -1), 10);
  const n = /^[+-]?\d+$/.test(v) ? Number.parseInt(v, 10) : 0;
  return n;
}

function validatePositiveIntOrPercent(v: IntOrString | null | undefined, path: FieldPath): field.FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => field.invalid(path, goIntOrString(v), m));
  return validateNonnegativeField(typeof v === 'number' ? v : 0, path);
}

function isNotMoreThan100Percent(v: IntOrString | null | undefined, path: FieldPath): field.FieldError[] {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return [];
  return intOrPercentValue(v) > 100 ? [field.invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}

function validateRollingUpdateDeployment(ru: RollingUpdateDeployment, path: FieldPath): field.FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, path.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, path.child('maxSurge')),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(field.invalid(path.child('maxUnavailable'), goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, path.child('maxUnavailable')));
  return errs;
}

function validateDeploymentStrategy(strategy: DeploymentStrategy, path: FieldPath): field.FieldError[] {
  const rollingUpdate = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : undefined;
  switch (strategy.type) {
    case 'Recreate':
      return rollingUpdate ? [field.forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      return rollingUpdate
        ? validateRollingUpdateDeployment(rollingUpdate, path.child('rollingUpdate'))
        : [field.required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    default: {
      // kube reports the whole strategy struct here (%#v); its nil-pointer form is exact.
      const value = rollingUpdate
        ? strategy
        : new field.StringerValue(`apps.DeploymentStrategy{Type:${goQuote(String(strategy.type ?? ''))}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`);
      return [field.notSupported(path, value, ['Recreate', 'RollingUpdate'])];
    }
  }
}

/** kube's ValidatePodTemplateSpecForReplicaSet. */
function validateTemplateForReplicaSet(template: PodTemplateSpec, selector: LabelSelector, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const labels = isRecord(template.metadata) ? template.metadata.labels : undefined;
  if (!selector.isEmpty() && !selector.matches(labels ?? {})) {
    errs.push(field.invalid(path.child('metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const spec = isRecord(template.spec) ? template.spec : {};
  if (spec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(path.child('spec', 'restartPolicy'), String(spec.restartPolicy ?? ''), ['Always']));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(path.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

function selectorOf(spec: DeploymentSpec): LabelSelectorSpec | null | undefined {
  return isRecord(spec.selector) ? spec.selector : undefined;
}

/** kube's ValidateDeploymentSpec, after defaulting. */
export function validateDeploymentSpec(spec: DeploymentSpec, path: FieldPath = SPEC): field.FieldError[] {
  const errs = [...validateNonnegativeField(num(spec.replicas), path.child('replicas'))];
  const selectorSpec = selectorOf(spec);
  if (!selectorSpec) {
    errs.push(field.required(path.child('selector')));
  } else {
    errs.push(...validateLabelSelector(selectorSpec, { allowInvalidLabelValueInSelector: false }, path.child('selector')));
    const count = Object.keys(selectorSpec.matchLabels ?? {}).length + (selectorSpec.matchExpressions ?? []).length;
    if (count === 0) errs.push(field.invalid(path.child('selector'), goLabelSelector(selectorSpec), 'empty selector is invalid for deployment'));
  }

  let selector: LabelSelector | undefined;
  try {
    selector = labelSelectorAsSelector(selectorSpec);
  } catch {
    errs.push(field.invalid(path.child('selector'), goLabelSelector(selectorSpec), 'invalid label selector'));
  }
  // A missing selector selects nothing, so kube also reports that it does not match the template.
  if (selector) errs.push(...validateTemplateForReplicaSet(isRecord(spec.template) ? spec.template : {}, selector, path.child('template')));

  errs.push(...validateDeploymentStrategy(isRecord(spec.strategy) ? spec.strategy : {}, path.child('strategy')));
  const minReadySeconds = num(spec.minReadySeconds) ?? 0;
  errs.push(...validateNonnegativeField(minReadySeconds, path.child('minReadySeconds')));
  errs.push(...validateNonnegativeField(num(spec.revisionHistoryLimit), path.child('revisionHistoryLimit')));
  const deadline = num(spec.progressDeadlineSeconds);
  if (deadline !== undefined) {
    errs.push(...validateNonnegativeField(deadline, path.child('progressDeadlineSeconds')));
    if (deadline <= minReadySeconds) errs.push(field.invalid(path.child('progressDeadlineSeconds'), deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeployment(d: Deployment): field.FieldError[] {
  return validateDeploymentSpec(isRecord(d.spec) ? d.spec : {});
}

/** The deployment strategy's ValidateUpdate: the spec again, and an immutable selector (apps/v1). */
export function validateDeploymentUpdate(next: Deployment, old: Deployment): field.FieldError[] {
  const spec = isRecord(next.spec) ? next.spec : {};
  const oldSpec = isRecord(old.spec) ? old.spec : {};
  const errs = validateDeploymentSpec(spec);
  const selector = selectorOf(spec);
  if (!sameSelector(selector, selectorOf(oldSpec))) {
    errs.push(field.invalid(SPEC.child('selector'), goLabelSelector(selector), FIELD_IMMUTABLE_ERROR_MSG));
  }
  return errs;
}

/** kube's ValidateDeploymentStatus. */
export function validateDeploymentStatus(status: DeploymentStatus, path: FieldPath = STATUS): field.FieldError[] {
  const n = (k: keyof DeploymentStatus): number => num(status[k]) ?? 0;
  const errs = [
    ...validateNonnegativeField(n('observedGeneration'), path.child('observedGeneration')),
    ...validateNonnegativeField(n('replicas'), path.child('replicas')),
    ...validateNonnegativeField(n('updatedReplicas'), path.child('updatedReplicas')),
    ...validateNonnegativeField(n('readyReplicas'), path.child('readyReplicas')),
    ...validateNonnegativeField(n('availableReplicas'), path.child('availableReplicas')),
    ...validateNonnegativeField(n('unavailableReplicas'), path.child('unavailableReplicas')),
    ...validateNonnegativeField(num(status.collisionCount), path.child('collisionCount')),
  ];
  const msg = 'cannot be greater than status.replicas';
  if (n('updatedReplicas') > n('replicas')) errs.push(field.invalid(path.child('updatedReplicas'), n('updatedReplicas'), msg));
  if (n('readyReplicas') > n('replicas')) errs.push(field.invalid(path.child('readyReplicas'), n('readyReplicas'), msg));
  if (n('availableReplicas') > n('replicas')) errs.push(field.invalid(path.child('availableReplicas'), n('availableReplicas'), msg));
  if (n('availableReplicas') > n('readyReplicas')) {
    errs.push(field.invalid(path.child('availableReplicas'), n('availableReplicas'), 'cannot be greater than readyReplicas'));
  }
  return errs;
}

/** kube's ValidateDeploymentStatusUpdate (metadata aside): the status, and a collisionCount that never goes down. */
export function validateDeploymentStatusUpdate(next: Deployment, old: Deployment): field.FieldError[] {
  const status = isRecord(next.status) ? next.status : {};
  const oldStatus = isRecord(old.status) ? old.status : {};
  const errs = validateDeploymentStatus(status);
  const oldCount = num(oldStatus.collisionCount);
  const count = num(status.collisionCount);
  if (oldCount !== undefined && (count === undefined || count < oldCount)) {
    errs.push(field.invalid(STATUS.child('collisionCount'), count ?? 0, 'cannot be decremented'));
  }
  return errs;
}
