/**
 * apps/v1 daemonsets: kube's pkg/registry/apps/daemonset strategy, apps/v1
 * defaults, ValidateDaemonSet* and the daemon set printer, as one
 * ResourceDefinition. Stored and validated; nothing reconciles them.
 *
 * kube's internal spec.templateGeneration appears in apps/v1 as the
 * annotation deprecated.daemonset.template.generation: 1 on create, one more
 * whenever the template changes.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import { metaOf, type KubeObject } from '../../../registry/object.js';
import { deepEqual } from '../../../registry/store.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../../apimachinery/validation/labels.js';
import { FIELD_IMMUTABLE_ERROR_MSG, validateNonnegativeField } from '../../../apimachinery/validation/metadata-fields.js';
import { labelSelectorAsSelector, type LabelSelectorSpec } from '../../../apimachinery/labels.js';
import { ageColumn } from '../../shared/age.js';
import { formatLabels } from '../../core/v1/table-helpers.js';
import { goIntOrString, goLabelSelector, goStringMap } from './go-values.js';
import { defaultPodTemplate } from './pod-template-defaults.js';
import { validatePodTemplateSpec } from './pod-template-validation.js';
import { isRecord, type IntOrString, type PodTemplateSpec } from './types.js';
import {
  collisionCountDecremented,
  containerColumns,
  count,
  formatLabelSelector,
  intOrPercentValue,
  isNotMoreThan100Percent,
  keepSpec,
  nonnegativeCounters,
  num,
  sameSelector,
  selectorOf,
  validatePositiveIntOrPercent,
} from './workload-helpers.js';

export interface DaemonSetSpec {
  selector?: LabelSelectorSpec | null;
  template?: PodTemplateSpec;
  updateStrategy?: {
    type?: string;
    rollingUpdate?: { maxUnavailable?: IntOrString | null; maxSurge?: IntOrString | null; [field: string]: unknown } | null;
    [field: string]: unknown;
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number | null;
  [field: string]: unknown;
}

export interface DaemonSet extends KubeObject {
  spec?: DaemonSetSpec;
  status?: Record<string, unknown>;
}

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

const SPEC = FieldPath.of('spec');
const STATUS = FieldPath.of('status');

/** kube's SetDefaults_DaemonSet (apps/v1), then the template's pod defaults. */
export function defaultDaemonSet(ds: DaemonSet): void {
  if (!isRecord(ds.spec)) ds.spec = {};
  const spec = ds.spec;
  if (!isRecord(spec.updateStrategy)) spec.updateStrategy = {};
  const strategy = spec.updateStrategy;
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isRecord(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate;
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultPodTemplate(spec.template);
}

function validateUpdateStrategy(strategy: DaemonSetSpec['updateStrategy'], path: FieldPath): field.FieldError[] {
  const s = isRecord(strategy) ? strategy : {};
  switch (s.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      if (!isRecord(s.rollingUpdate)) return [field.required(path.child('rollingUpdate'))];
      const ru = s.rollingUpdate;
      const p = path.child('rollingUpdate');
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')),
        ...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')),
        ...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')),
        ...isNotMoreThan100Percent(ru.maxSurge, p.child('maxSurge')),
      ];
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) {
        errs.push(field.invalid(p.child('maxSurge'), goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      } else if (!hasUnavailable && !hasSurge) {
        errs.push(field.required(p.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
      }
      return errs;
    }
    default:
      return [field.notSupported(path, s, ['RollingUpdate', 'OnDelete'])];
  }
}

/** kube's ValidateDaemonSetSpec. A missing selector selects nothing, so only the label mismatch is reported. */
export function validateDaemonSetSpec(spec: DaemonSetSpec, path: FieldPath = SPEC): field.FieldError[] {
  const selectorSpec = selectorOf(spec.selector);
  const errs = selectorSpec ? validateLabelSelector(selectorSpec, { allowInvalidLabelValueInSelector: false }, path.child('selector')) : [];
  const template = isRecord(spec.template) ? spec.template : {};
  const labels = isRecord(template.metadata) ? template.metadata.labels : undefined;
  try {
    if (!labelSelectorAsSelector(selectorSpec).matches(labels ?? {})) {
      errs.push(field.invalid(path.child('template', 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
    }
  } catch {
    // kube skips the match check when the selector does not convert; validateLabelSelector said why.
  }
  if (selectorSpec && Object.keys(selectorSpec.matchLabels ?? {}).length + (selectorSpec.matchExpressions ?? []).length === 0) {
    errs.push(field.invalid(path.child('selector'), goLabelSelector(selectorSpec), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(template, path.child('template')));
  const podSpec = isRecord(template.spec) ? template.spec : {};
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(path.child('template', 'spec', 'restartPolicy'), String(podSpec.restartPolicy ?? ''), ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(path.child('template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  errs.push(...validateUpdateStrategy(spec.updateStrategy, path.child('updateStrategy')));
  if (num(spec.revisionHistoryLimit) !== undefined) {
    errs.push(...validateNonnegativeField(num(spec.revisionHistoryLimit), path.child('revisionHistoryLimit')));
  }
  return errs;
}

const specOf = (ds: DaemonSet): DaemonSetSpec => (isRecord(ds.spec) ? ds.spec : {});
const statusOf = (ds: DaemonSet): Record<string, unknown> => (isRecord(ds.status) ? ds.status : {});

function templateGeneration(ds: DaemonSet): number {
  const n = Number.parseInt(metaOf(ds).annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

function setTemplateGeneration(ds: DaemonSet, n: number): void {
  const meta = metaOf(ds);
  meta.annotations = { ...(meta.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(n) };
}

export const daemonSetStrategy: Strategy<DaemonSet> = {
  defaults: defaultDaemonSet,
  prepareForCreate(ds) {
    // The empty status as Go serializes it: these four counters are not omitempty.
    ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    if (templateGeneration(ds) < 1) setTemplateGeneration(ds, 1);
  },
  prepareForUpdate(ds, old) {
    // kube bumps templateGeneration (and generation) for a template change; a
    // client that dropped the annotation keeps the stored value rather than
    // failing "must not be decremented".
    const oldGeneration = templateGeneration(old);
    const changed = !deepEqual(specOf(ds).template, specOf(old).template);
    setTemplateGeneration(ds, changed ? oldGeneration + 1 : oldGeneration);
  },
  validate: (ds) => validateDaemonSetSpec(specOf(ds)),
  validateUpdate(ds, old) {
    const errs = validateDaemonSetSpec(specOf(ds));
    const selector = selectorOf(specOf(ds).selector);
    if (!sameSelector(selector, selectorOf(specOf(old).selector))) {
      errs.push(field.invalid(SPEC.child('selector'), goLabelSelector(selector), FIELD_IMMUTABLE_ERROR_MSG));
    }
    return errs;
  },
};

/** kube's ValidateDaemonSetStatusUpdate (metadata aside). */
export function validateDaemonSetStatus(ds: DaemonSet, old: DaemonSet): field.FieldError[] {
  const s = statusOf(ds);
  const errs = nonnegativeCounters(
    s,
    [
      'currentNumberScheduled',
      'numberMisscheduled',
      'desiredNumberScheduled',
      'numberReady',
      'observedGeneration',
      'updatedNumberScheduled',
      'numberAvailable',
      'numberUnavailable',
    ],
    STATUS,
  );
  if (num(s.collisionCount) !== undefined) errs.push(...validateNonnegativeField(num(s.collisionCount), STATUS.child('collisionCount')));
  return [...errs, ...collisionCountDecremented(s, statusOf(old), STATUS)];
}

export const daemonSetStatusStrategy: Strategy<DaemonSet> = {
  prepareForUpdate: (ds, old) => keepSpec(ds, old),
  validateUpdate: validateDaemonSetStatus,
};

const integerColumn = (name: string, description: string, key: string): TableColumn<DaemonSet> => ({
  name,
  type: 'integer',
  description,
  priority: 0,
  cell: (ds) => count(statusOf(ds)[key]),
});

export const daemonSetColumns: TableColumn<DaemonSet>[] = [
  integerColumn(
    'Desired',
    'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
    'desiredNumberScheduled',
  ),
  integerColumn(
    'Current',
    'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
    'currentNumberScheduled',
  ),
  integerColumn(
    'Ready',
    'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.',
    'numberReady',
  ),
  integerColumn('Up-to-date', 'The total number of nodes that are running updated daemon pod', 'updatedNumberScheduled'),
  integerColumn(
    'Available',
    'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
    'numberAvailable',
  ),
  {
    name: 'Node Selector',
    type: 'string',
    description:
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
    priority: 0,
    cell: (ds) => {
      const t = specOf(ds).template;
      const selector = isRecord(t) && isRecord(t.spec) && isRecord(t.spec.nodeSelector) ? t.spec.nodeSelector : undefined;
      return formatLabels(selector);
    },
  },
  ageColumn<DaemonSet>(),
  ...containerColumns<DaemonSet>((ds) => specOf(ds).template),
  {
    name: 'Selector',
    type: 'string',
    description:
      "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    priority: 1,
    cell: (ds) => formatLabelSelector(selectorOf(specOf(ds).selector)),
  },
];

export const daemonSets: ResourceDefinition<DaemonSet> = {
  info: {
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    singularName: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: daemonSetStrategy,
  generation: 'spec',
  status: { strategy: daemonSetStatusStrategy },
  tableColumns: daemonSetColumns,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
};
