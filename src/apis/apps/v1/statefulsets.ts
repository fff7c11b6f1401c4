/**
 * apps/v1 statefulsets: kube's pkg/registry/apps/statefulset strategy, apps/v1
 * defaults (with StatefulSetAutoDeletePVC on, as in 1.32), ValidateStatefulSet*
 * and the stateful set printer, as one ResourceDefinition. Stored and
 * validated; nothing reconciles them.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import { deepEqual } from '../../../registry/store.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSLabel } from '../../../apimachinery/validation/names.js';
import { validateLabels, validateLabelSelector } from '../../../apimachinery/validation/labels.js';
import { validateAnnotations, validateNonnegativeField } from '../../../apimachinery/validation/metadata-fields.js';
import { labelSelectorAsSelector, type LabelSelector, type LabelSelectorSpec } from '../../../apimachinery/labels.js';
import { ageColumn } from '../../shared/age.js';
import { goLabelSelector, goStringMap } from './go-values.js';
import { defaultPodTemplate } from './pod-template-defaults.js';
import { isRecord, listOf, type PodTemplateSpec } from './types.js';
import { collisionCountDecremented, containerColumns, count, keepSpec, nonnegativeCounters, num, selectorOf } from './workload-helpers.js';

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelectorSpec | null;
  template?: PodTemplateSpec;
  volumeClaimTemplates?: Record<string, unknown>[];
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: Record<string, unknown> | null; [field: string]: unknown };
  revisionHistoryLimit?: number | null;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string; [field: string]: unknown } | null;
  ordinals?: { start?: number; [field: string]: unknown } | null;
  [field: string]: unknown;
}

export interface StatefulSet extends KubeObject {
  spec?: StatefulSetSpec;
  status?: Record<string, unknown>;
}

const SPEC = FieldPath.of('spec');
const STATUS = FieldPath.of('status');
const RETENTION_POLICIES = ['Retain', 'Delete'];

/** SetDefaults_PersistentVolumeClaim(+Spec) for each volume claim template. */
function defaultClaimTemplate(claim: Record<string, unknown>): void {
  if (!isRecord(claim.spec)) claim.spec = {};
  const spec = claim.spec as Record<string, unknown>;
  spec.volumeMode ||= 'Filesystem';
  if (!isRecord(claim.status)) claim.status = {};
  (claim.status as Record<string, unknown>).phase ||= 'Pending';
}

/** kube's SetDefaults_StatefulSet (apps/v1), then the template's pod defaults. */
export function defaultStatefulSet(sts: StatefulSet): void {
  if (!isRecord(sts.spec)) sts.spec = {};
  const spec = sts.spec;
  spec.podManagementPolicy ||= 'OrderedReady';
  if (!isRecord(spec.updateStrategy)) spec.updateStrategy = {};
  const strategy = spec.updateStrategy;
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    if (!isRecord(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  if (strategy.type === 'RollingUpdate' && isRecord(strategy.rollingUpdate)) {
    const ru = strategy.rollingUpdate;
    if (ru.partition === undefined || ru.partition === null) ru.partition = 0;
  }
  if (!isRecord(spec.persistentVolumeClaimRetentionPolicy)) spec.persistentVolumeClaimRetentionPolicy = {};
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  retention.whenDeleted ||= 'Retain';
  retention.whenScaled ||= 'Retain';
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultPodTemplate(spec.template);
  for (const claim of listOf<Record<string, unknown>>(spec.volumeClaimTemplates)) if (isRecord(claim)) defaultClaimTemplate(claim);
}

/**
 * kube's ValidatePodTemplateSpecForStatefulSet: the selector matches, the
 * labels and annotations are valid. kube does not validate the pod spec of a
 * StatefulSet's template (its TODO says why), and neither do we.
 */
function validateTemplate(template: unknown, selector: LabelSelector, path: FieldPath): field.FieldError[] {
  if (!isRecord(template)) return [field.required(path)];
  const meta = isRecord(template.metadata) ? (template.metadata as PodTemplateSpec['metadata'] & object) : {};
  const errs: field.FieldError[] = [];
  if (!selector.isEmpty() && !selector.matches(meta.labels ?? {})) {
    errs.push(field.invalid(path.child('metadata', 'labels'), goStringMap(meta.labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  return errs;
}

function validateRetention(policy: StatefulSetSpec['persistentVolumeClaimRetentionPolicy'], path: FieldPath): field.FieldError[] {
  if (!isRecord(policy)) return [];
  return (['whenDeleted', 'whenScaled'] as const).flatMap((k) => {
    const v = typeof policy[k] === 'string' ? policy[k] : '';
    return RETENTION_POLICIES.includes(v) ? [] : [field.notSupported(path.child(k), v, RETENTION_POLICIES)];
  });
}

/** kube's ValidateStatefulSetSpec. */
export function validateStatefulSetSpec(spec: StatefulSetSpec, path: FieldPath = SPEC): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const pmp = typeof spec.podManagementPolicy === 'string' ? spec.podManagementPolicy : '';
  if (!pmp) errs.push(field.required(path.child('podManagementPolicy')));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(field.invalid(path.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const strategy = isRecord(spec.updateStrategy) ? spec.updateStrategy : {};
  const rollingUpdate = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : undefined;
  switch (strategy.type ?? '') {
    case '':
      errs.push(field.required(path.child('updateStrategy')));
      break;
    case 'OnDelete':
      if (rollingUpdate) {
        errs.push(field.invalid(path.child('updateStrategy', 'rollingUpdate'), rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      }
      break;
    case 'RollingUpdate':
      if (rollingUpdate) {
        errs.push(...validateNonnegativeField(num(rollingUpdate.partition) ?? 0, path.child('updateStrategy', 'rollingUpdate', 'partition')));
      }
      break;
    default:
      errs.push(field.invalid(path.child('updateStrategy'), strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  errs.push(...validateRetention(spec.persistentVolumeClaimRetentionPolicy, path.child('persistentVolumeClaimRetentionPolicy')));
  errs.push(...validateNonnegativeField(num(spec.replicas) ?? 0, path.child('replicas')));
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  if (isRecord(spec.ordinals)) errs.push(...validateNonnegativeField(num(spec.ordinals.start) ?? 0, path.child('ordinals.start')));

  const selectorSpec = selectorOf(spec.selector);
  if (!selectorSpec) errs.push(field.required(path.child('selector')));
  else {
    errs.push(...validateLabelSelector(selectorSpec, { allowInvalidLabelValueInSelector: false }, path.child('selector')));
    const n = Object.keys(selectorSpec.matchLabels ?? {}).length + (selectorSpec.matchExpressions ?? []).length;
    if (n === 0) errs.push(field.invalid(path.child('selector'), goLabelSelector(selectorSpec), 'empty selector is invalid for statefulset'));
  }
  let selector: LabelSelector | undefined;
  try {
    selector = labelSelectorAsSelector(selectorSpec);
  } catch {
    errs.push(field.invalid(path.child('selector'), goLabelSelector(selectorSpec), ''));
  }
  if (selector) errs.push(...validateTemplate(spec.template, selector, path.child('template')));

  const podSpec = isRecord(spec.template) && isRecord(spec.template.spec) ? spec.template.spec : {};
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(path.child('template', 'spec', 'restartPolicy'), String(podSpec.restartPolicy ?? ''), ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(path.child('template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

const specOf = (sts: StatefulSet): StatefulSetSpec => (isRecord(sts.spec) ? sts.spec : {});
const statusOf = (sts: StatefulSet): Record<string, unknown> => (isRecord(sts.status) ? sts.status : {});

/** The fields ValidateStatefulSetUpdate lets change; any other spec change is forbidden. */
const MUTABLE_SPEC_FIELDS = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];

function withoutMutable(spec: StatefulSetSpec): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...spec };
  for (const k of MUTABLE_SPEC_FIELDS) delete rest[k];
  return rest;
}

/** kube's ValidateStatefulSetUpdate (metadata aside). */
export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): field.FieldError[] {
  const errs = validateStatefulSetSpec(specOf(sts));
  if (!deepEqual(withoutMutable(specOf(sts)), withoutMutable(specOf(old)))) {
    errs.push(
      field.forbidden(
        SPEC,
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

/** kube's ValidateStatefulSetStatus. */
export function validateStatefulSetStatus(sts: StatefulSet): field.FieldError[] {
  const s = statusOf(sts);
  const errs = nonnegativeCounters(s, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'], STATUS);
  for (const name of ['observedGeneration', 'collisionCount']) {
    if (num(s[name]) !== undefined) errs.push(...validateNonnegativeField(num(s[name]), STATUS.child(name)));
  }
  const msg = 'cannot be greater than status.replicas';
  for (const name of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) {
    if (count(s[name]) > count(s.replicas)) errs.push(field.invalid(STATUS.child(name), count(s[name]), msg));
  }
  if (count(s.availableReplicas) > count(s.readyReplicas)) {
    errs.push(field.invalid(STATUS.child('availableReplicas'), count(s.availableReplicas), 'cannot be greater than status.readyReplicas'));
  }
  return errs;
}

export const statefulSetStrategy: Strategy<StatefulSet> = {
  defaults: defaultStatefulSet,
  prepareForCreate(sts) {
    // The empty status as Go serializes it: replicas and availableReplicas are not omitempty.
    sts.status = { replicas: 0, availableReplicas: 0 };
  },
  validate: (sts) => validateStatefulSetSpec(specOf(sts)),
  validateUpdate: validateStatefulSetUpdate,
};

export const statefulSetStatusStrategy: Strategy<StatefulSet> = {
  prepareForUpdate: (sts, old) => keepSpec(sts, old),
  validateUpdate: (sts, old) => [...validateStatefulSetStatus(sts), ...collisionCountDecremented(statusOf(sts), statusOf(old), STATUS)],
};

export const statefulSetColumns: TableColumn<StatefulSet>[] = [
  {
    name: 'Ready',
    type: 'string',
    description: 'Number of the pod with ready state',
    priority: 0,
    cell: (sts) => `${count(statusOf(sts).readyReplicas)}/${count(specOf(sts).replicas)}`,
  },
  ageColumn<StatefulSet>(),
  ...containerColumns<StatefulSet>((sts) => specOf(sts).template),
];

export const statefulSets: ResourceDefinition<StatefulSet> = {
  info: {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singularName: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
  },
  // kube's ValidateStatefulSetName: a DNS label, as its pods' hostnames derive from it.
  nameValidator: nameIsDNSLabel,
  strategy: statefulSetStrategy,
  generation: 'spec',
  status: { strategy: statefulSetStatusStrategy },
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  tableColumns: statefulSetColumns,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
};
