/**
 * apps/v1 replicasets: kube's pkg/registry/apps/replicaset strategy, apps/v1
 * defaults, ValidateReplicaSet* and the replica set printer, as one
 * ResourceDefinition. Stored and validated; nothing reconciles them.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../../apimachinery/validation/labels.js';
import { FIELD_IMMUTABLE_ERROR_MSG, validateNonnegativeField } from '../../../apimachinery/validation/metadata-fields.js';
import { labelSelectorAsSelector, type LabelSelector, type LabelSelectorSpec } from '../../../apimachinery/labels.js';
import { ageColumn } from '../../shared/age.js';
import { goLabelSelector, goStringMap } from './go-values.js';
import { defaultPodTemplate } from './pod-template-defaults.js';
import { validatePodTemplateSpec } from './pod-template-validation.js';
import { isRecord, type PodTemplateSpec } from './types.js';
import {
  collisionCountDecremented,
  containerColumns,
  count,
  formatLabelSelector,
  keepSpec,
  nonnegativeCounters,
  num,
  sameSelector,
  selectorOf,
} from './workload-helpers.js';

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelectorSpec | null;
  template?: PodTemplateSpec;
  [field: string]: unknown;
}

export interface ReplicaSet extends KubeObject {
  spec?: ReplicaSetSpec;
  status?: Record<string, unknown>;
}

const SPEC = FieldPath.of('spec');
const STATUS = FieldPath.of('status');

/** kube's SetDefaults_ReplicaSet (apps/v1), then the template's pod defaults. */
export function defaultReplicaSet(rs: ReplicaSet): void {
  if (!isRecord(rs.spec)) rs.spec = {};
  if (rs.spec.replicas === undefined || rs.spec.replicas === null) rs.spec.replicas = 1;
  defaultPodTemplate(rs.spec.template);
}

/**
 * kube's ValidatePodTemplateSpecForReplicaSet: the selector matches the
 * template's labels, the template is a valid pod template, restartPolicy is
 * Always and activeDeadlineSeconds is unset.
 */
export function validatePodTemplateSpecForReplicaSet(
  template: unknown,
  selector: LabelSelector,
  path: FieldPath,
  kind = 'ReplicaSet',
): field.FieldError[] {
  if (!isRecord(template)) return [field.required(path)];
  const t = template as PodTemplateSpec;
  const errs: field.FieldError[] = [];
  const labels = isRecord(t.metadata) ? t.metadata.labels : undefined;
  if (!selector.isEmpty() && !selector.matches(labels ?? {})) {
    errs.push(field.invalid(path.child('metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(t, path));
  const spec = isRecord(t.spec) ? t.spec : {};
  if (spec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(path.child('spec', 'restartPolicy'), String(spec.restartPolicy ?? ''), ['Always']));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(path.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** kube's ValidateReplicaSetSpec (its empty-selector message says "deployment", as kube's does). */
export function validateReplicaSetSpec(spec: ReplicaSetSpec, path: FieldPath = SPEC): field.FieldError[] {
  const errs = [
    ...validateNonnegativeField(num(spec.replicas) ?? 0, path.child('replicas')),
    ...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')),
  ];
  const selectorSpec = selectorOf(spec.selector);
  if (!selectorSpec) errs.push(field.required(path.child('selector')));
  else {
    errs.push(...validateLabelSelector(selectorSpec, { allowInvalidLabelValueInSelector: false }, path.child('selector')));
    const n = Object.keys(selectorSpec.matchLabels ?? {}).length + (selectorSpec.matchExpressions ?? []).length;
    if (n === 0) errs.push(field.invalid(path.child('selector'), goLabelSelector(selectorSpec), 'empty selector is invalid for deployment'));
  }
  let selector: LabelSelector | undefined;
  try {
    selector = labelSelectorAsSelector(selectorSpec);
  } catch {
    errs.push(field.invalid(path.child('selector'), goLabelSelector(selectorSpec), 'invalid label selector'));
  }
  if (selector) errs.push(...validatePodTemplateSpecForReplicaSet(spec.template, selector, path.child('template')));
  return errs;
}

const specOf = (rs: ReplicaSet): ReplicaSetSpec => (isRecord(rs.spec) ? rs.spec : {});
const statusOf = (rs: ReplicaSet): Record<string, unknown> => (isRecord(rs.status) ? rs.status : {});

/** The apps/v1 update rule: the spec again, and an immutable selector. */
export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): field.FieldError[] {
  const errs = validateReplicaSetSpec(specOf(rs));
  const selector = selectorOf(specOf(rs).selector);
  if (!sameSelector(selector, selectorOf(specOf(old).selector))) {
    errs.push(field.invalid(SPEC.child('selector'), goLabelSelector(selector), FIELD_IMMUTABLE_ERROR_MSG));
  }
  return errs;
}

/** kube's ValidateReplicaSetStatus. */
export function validateReplicaSetStatus(rs: ReplicaSet): field.FieldError[] {
  const s = statusOf(rs);
  const errs = nonnegativeCounters(s, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'], STATUS);
  const msg = 'cannot be greater than status.replicas';
  for (const name of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    if (count(s[name]) > count(s.replicas)) errs.push(field.invalid(STATUS.child(name), count(s[name]), msg));
  }
  if (count(s.availableReplicas) > count(s.readyReplicas)) {
    errs.push(field.invalid(STATUS.child('availableReplicas'), count(s.availableReplicas), 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export const replicaSetStrategy: Strategy<ReplicaSet> = {
  defaults: defaultReplicaSet,
  prepareForCreate(rs) {
    // Go serializes the empty status struct as {} plus its non-omitempty replicas.
    rs.status = { replicas: 0 };
  },
  validate: (rs) => validateReplicaSetSpec(specOf(rs)),
  validateUpdate: validateReplicaSetUpdate,
};

export const replicaSetStatusStrategy: Strategy<ReplicaSet> = {
  prepareForUpdate: (rs, old) => keepSpec(rs, old),
  validateUpdate: (rs, old) => [...validateReplicaSetStatus(rs), ...collisionCountDecremented(statusOf(rs), statusOf(old), STATUS)],
};

const integerColumn = (name: string, description: string, cell: (rs: ReplicaSet) => number): TableColumn<ReplicaSet> => ({
  name,
  type: 'integer',
  description,
  priority: 0,
  cell,
});

export const replicaSetColumns: TableColumn<ReplicaSet>[] = [
  integerColumn(
    'Desired',
    'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset',
    (rs) => count(specOf(rs).replicas),
  ),
  integerColumn(
    'Current',
    'Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset',
    (rs) => count(statusOf(rs).replicas),
  ),
  integerColumn(
    'Ready',
    'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.',
    (rs) => count(statusOf(rs).readyReplicas),
  ),
  ageColumn<ReplicaSet>(),
  ...containerColumns<ReplicaSet>((rs) => specOf(rs).template),
  {
    name: 'Selector',
    type: 'string',
    description:
      "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    priority: 1,
    cell: (rs) => formatLabelSelector(selectorOf(specOf(rs).selector)),
  },
];

export const replicaSets: ResourceDefinition<ReplicaSet> = {
  info: {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singularName: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: replicaSetStrategy,
  generation: 'spec',
  status: { strategy: replicaSetStatusStrategy },
  // As for deployments: spec.selector is a metav1.LabelSelector the Store formats as a string.
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  tableColumns: replicaSetColumns,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
};
