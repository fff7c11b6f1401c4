/**
 * kube's batch validation of a JobSpec (validateJobSpec, the part shared by
 * Jobs and a CronJob's jobTemplate) and of a Job's selector and update
 * rules, with kube's paths and messages.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { validateNonnegativeField, FIELD_IMMUTABLE_ERROR_MSG } from '../../../apimachinery/validation/metadata-fields.js';
import { validateLabelSelector } from '../../../apimachinery/validation/labels.js';
import { labelSelectorAsSelector } from '../../../apimachinery/labels.js';
import { deepEqual } from '../../../registry/store.js';
import { goLabelSelector, goStringMap } from '../../apps/v1/go-values.js';
import { validatePodTemplateSpec } from '../../apps/v1/pod-template-validation.js';
import { isRecord } from '../../apps/v1/types.js';
import { num, sameSelector, selectorOf } from '../../apps/v1/workload-helpers.js';
import type { JobSpec } from './types.js';

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const POD_REPLACEMENT_POLICIES = ['TerminatingOrFailed', 'Failed'];

function nonnegativeIfSet(spec: JobSpec, key: keyof JobSpec & string, path: FieldPath): field.FieldError[] {
  const v = num(spec[key]);
  return v === undefined ? [] : validateNonnegativeField(v, path.child(key));
}

/** kube's validateJobSpec: counts, completion mode, replacement policy and the pod template (restartPolicy OnFailure or Never). */
export function validateJobSpecFields(spec: JobSpec, path: FieldPath): field.FieldError[] {
  const errs = [
    ...nonnegativeIfSet(spec, 'parallelism', path),
    ...nonnegativeIfSet(spec, 'completions', path),
    ...nonnegativeIfSet(spec, 'activeDeadlineSeconds', path),
    ...nonnegativeIfSet(spec, 'backoffLimit', path),
    ...nonnegativeIfSet(spec, 'ttlSecondsAfterFinished', path),
    ...nonnegativeIfSet(spec, 'backoffLimitPerIndex', path),
    ...nonnegativeIfSet(spec, 'maxFailedIndexes', path),
  ];
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (!COMPLETION_MODES.includes(String(mode))) errs.push(field.notSupported(path.child('completionMode'), mode, COMPLETION_MODES));
    if (mode === 'Indexed') {
      if (num(spec.completions) === undefined) errs.push(field.required(path.child('completions'), 'when completion mode is Indexed'));
      const parallelism = num(spec.parallelism);
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(
          field.invalid(path.child('parallelism'), parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`),
        );
      }
    }
  }
  const replacement = spec.podReplacementPolicy;
  if (replacement !== undefined && replacement !== null) {
    if (!POD_REPLACEMENT_POLICIES.includes(String(replacement))) {
      errs.push(field.notSupported(path.child('podReplacementPolicy'), replacement, POD_REPLACEMENT_POLICIES));
    } else if (isRecord(spec.podFailurePolicy) && replacement !== 'Failed') {
      errs.push(field.notSupported(path.child('podReplacementPolicy'), replacement, ['Failed']));
    }
  }
  const template = isRecord(spec.template) ? spec.template : {};
  errs.push(...validatePodTemplateSpec(template, path.child('template')));
  const restartPolicy = isRecord(template.spec) ? template.spec.restartPolicy : undefined;
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(field.notSupported(path.child('template', 'spec', 'restartPolicy'), String(restartPolicy ?? ''), ['OnFailure', 'Never']));
  } else if (restartPolicy === 'OnFailure' && isRecord(spec.podFailurePolicy)) {
    errs.push(field.invalid(path.child('template', 'spec', 'restartPolicy'), restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** kube's ValidateJobSpec: the fields, a required valid selector, and a template its selector matches. */
export function validateJobSpec(spec: JobSpec, path: FieldPath): field.FieldError[] {
  const errs = validateJobSpecFields(spec, path);
  const selectorSpec = selectorOf(spec.selector);
  if (!selectorSpec) errs.push(field.required(path.child('selector')));
  else errs.push(...validateLabelSelector(selectorSpec, { allowInvalidLabelValueInSelector: false }, path.child('selector')));
  try {
    const selector = labelSelectorAsSelector(selectorSpec);
    const template = isRecord(spec.template) ? spec.template : {};
    const labels = isRecord(template.metadata) ? template.metadata.labels : undefined;
    if (!selector.matches(labels ?? {})) {
      errs.push(field.invalid(path.child('template', 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
    }
  } catch {
    // An unconvertible selector was reported by validateLabelSelector.
  }
  return errs;
}

/** kube's ValidateJobTemplateSpec, for a CronJob: the selector is always generated. */
export function validateJobTemplateSpec(spec: JobSpec, path: FieldPath): field.FieldError[] {
  const errs = validateJobSpecFields(spec, path.child('spec'));
  if (spec.selector !== undefined && spec.selector !== null) {
    errs.push(field.invalid(path.child('spec', 'selector'), goLabelSelector(selectorOf(spec.selector)), '`selector` will be auto-generated'));
  }
  if (spec.manualSelector === true) errs.push(field.notSupported(path.child('spec', 'manualSelector'), true, ['nil', 'false']));
  return errs;
}

/**
 * kube's ValidateJobSpecUpdate: the selector, completion mode and failure
 * policies never change; the template changes only while the job is
 * suspended (kube's mutable scheduling directives), and completions only
 * together with parallelism for an Indexed job (elastic indexed jobs).
 */
export function validateJobSpecUpdate(spec: JobSpec, old: JobSpec, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const immutable = (key: keyof JobSpec & string, same: boolean, value: unknown = spec[key]): void => {
    if (!same) errs.push(field.invalid(path.child(key), value ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  };
  const elastic = spec.completionMode === 'Indexed' && num(spec.completions) === num(spec.parallelism);
  immutable('completions', elastic || spec.completions === old.completions);
  immutable('selector', sameSelector(selectorOf(spec.selector), selectorOf(old.selector)), goLabelSelector(selectorOf(spec.selector)));
  immutable('template', old.suspend === true || deepEqual(spec.template, old.template));
  immutable('completionMode', spec.completionMode === old.completionMode);
  immutable('podFailurePolicy', deepEqual(spec.podFailurePolicy ?? null, old.podFailurePolicy ?? null));
  immutable('backoffLimitPerIndex', spec.backoffLimitPerIndex === old.backoffLimitPerIndex);
  return errs;
}
