/**
 * batch/v1 jobs: kube's pkg/registry/batch/job strategy (with its generated
 * selector), batch/v1 defaults, ValidateJob* and the job printer, as one
 * ResourceDefinition. Stored and validated; nothing runs them.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import { metaOf } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { validateNonnegativeField } from '../../../apimachinery/validation/metadata-fields.js';
import { ageColumn, humanDuration } from '../../shared/age.js';
import { defaultPodTemplate } from '../../apps/v1/pod-template-defaults.js';
import { isRecord, listOf } from '../../apps/v1/types.js';
import { containerColumns, count, formatLabelSelector, num, selectorOf } from '../../apps/v1/workload-helpers.js';
import { validateJobSpec, validateJobSpecUpdate } from './job-validation.js';
import type { Job, JobSpec } from './types.js';

export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';

const SPEC = FieldPath.of('spec');
const STATUS = FieldPath.of('status');
const MAX_INT32 = 2147483647;

const unset = (v: unknown): boolean => v === undefined || v === null;

/** kube's SetDefaults_Job (batch/v1, JobPodReplacementPolicy on), then the template's pod defaults. */
export function defaultJobSpec(spec: JobSpec): void {
  if (unset(spec.completions) && unset(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset(spec.parallelism)) spec.parallelism = 1;
  if (unset(spec.backoffLimit)) spec.backoffLimit = unset(spec.backoffLimitPerIndex) ? 6 : MAX_INT32;
  if (unset(spec.completionMode)) spec.completionMode = 'NonIndexed';
  if (unset(spec.suspend)) spec.suspend = false;
  if (isRecord(spec.podFailurePolicy)) {
    for (const rule of listOf<Record<string, unknown>>(spec.podFailurePolicy.rules)) {
      for (const pattern of isRecord(rule) ? listOf<Record<string, unknown>>(rule.onPodConditions) : []) {
        if (isRecord(pattern) && !pattern.status) pattern.status = 'True';
      }
    }
  }
  if (unset(spec.podReplacementPolicy)) spec.podReplacementPolicy = isRecord(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
  defaultPodTemplate(spec.template);
}

export function defaultJob(job: Job): void {
  if (!isRecord(job.spec)) job.spec = {};
  defaultJobSpec(job.spec);
  // A job without labels takes its template's.
  const templateLabels = isRecord(job.spec.template) && isRecord(job.spec.template.metadata) ? job.spec.template.metadata.labels : undefined;
  const meta = metaOf(job);
  if (templateLabels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...templateLabels };
}

/**
 * kube's generateSelector (unless spec.manualSelector): the job-name and
 * controller-uid labels on the template, and a selector on the uid. Runs
 * once the Store has given the job its uid.
 */
export function generateSelector(job: Job): void {
  const spec = (job.spec ??= {});
  if (spec.manualSelector === true) return;
  const meta = metaOf(job);
  if (!isRecord(spec.template)) spec.template = {};
  if (!isRecord(spec.template.metadata)) spec.template.metadata = {};
  const labels: Record<string, string> = { ...(spec.template.metadata.labels ?? {}) };
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(key in labels)) labels[key] = meta.name ?? '';
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(key in labels)) labels[key] = meta.uid ?? '';
  spec.template.metadata.labels = labels;
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const matchLabels: Record<string, string> = { ...(selector.matchLabels ?? {}) };
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = meta.uid ?? '';
  spec.selector = { ...selector, matchLabels };
}

const specOf = (job: Job): JobSpec => (isRecord(job.spec) ? job.spec : {});
const statusOf = (job: Job): Record<string, unknown> => (isRecord(job.status) ? job.status : {});

/** kube's ValidateJob (metadata aside): a generated selector needs the uid; then the spec. */
export function validateJob(job: Job): field.FieldError[] {
  const spec = specOf(job);
  const errs: field.FieldError[] = [];
  if (spec.manualSelector !== true && !metaOf(job).uid) errs.push(field.required(FieldPath.of('metadata', 'uid')));
  errs.push(...validateJobSpec(spec, SPEC));
  return errs;
}

export function validateJobUpdate(job: Job, old: Job): field.FieldError[] {
  return [...validateJobSpec(specOf(job), SPEC), ...validateJobSpecUpdate(specOf(job), specOf(old), SPEC)];
}

/** The counters of kube's validateJobStatus. */
export function validateJobStatus(job: Job): field.FieldError[] {
  const s = statusOf(job);
  return ['active', 'succeeded', 'failed', 'ready', 'terminating'].flatMap((k) =>
    num(s[k]) === undefined ? [] : validateNonnegativeField(num(s[k]), STATUS.child(k)),
  );
}

export const jobStrategy: Strategy<Job> = {
  defaults: defaultJob,
  prepareForCreate(job) {
    job.status = {};
    generateSelector(job);
  },
  validate: validateJob,
  validateUpdate: validateJobUpdate,
};

export const jobStatusStrategy: Strategy<Job> = {
  prepareForUpdate(job, old) {
    job.spec = structuredClone(old.spec);
  },
  validateUpdate: validateJobStatus,
};

/** kube's hasJobCondition: a condition of that type with status True. */
function hasCondition(job: Job, type: string): boolean {
  return listOf<Record<string, unknown>>(statusOf(job).conditions).some((c) => isRecord(c) && c.type === type && c.status === 'True');
}

/** The printer's STATUS: the first of these that applies, else Running. */
export function jobStatusText(job: Job): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (metaOf(job).deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** "1/3", or for a job without completions "0/1", "0/1 of 4" when parallel. */
export function jobCompletions(job: Job): string {
  const spec = specOf(job);
  const succeeded = count(statusOf(job).succeeded);
  const completions = num(spec.completions);
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = num(spec.parallelism) ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Start to completion, or start to now while running; empty before it starts. */
export function jobDuration(job: Job, now: Date): string {
  const status = statusOf(job);
  const start = typeof status.startTime === 'string' ? Date.parse(status.startTime) : Number.NaN;
  if (Number.isNaN(start)) return '';
  const end = typeof status.completionTime === 'string' ? Date.parse(status.completionTime) : Number.NaN;
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

export const jobColumns: TableColumn<Job>[] = [
  { name: 'Status', type: 'string', description: 'Status of the job.', priority: 0, cell: jobStatusText },
  {
    name: 'Completions',
    type: 'string',
    description: 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.',
    priority: 0,
    cell: jobCompletions,
  },
  { name: 'Duration', type: 'string', description: 'Time required to complete the job.', priority: 0, cell: jobDuration },
  ageColumn<Job>(),
  ...containerColumns<Job>((job) => specOf(job).template),
  {
    name: 'Selector',
    type: 'string',
    description:
      'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
    priority: 1,
    cell: (job) => formatLabelSelector(selectorOf(specOf(job).selector)),
  },
];

/** kube's JobToSelectableFields beyond metadata. */
export const jobFieldLabels = (job: Job): Record<string, string> => ({ 'status.successful': String(count(statusOf(job).succeeded)) });

export const jobs: ResourceDefinition<Job> = {
  info: {
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    singularName: 'job',
    kind: 'Job',
    namespaced: true,
    categories: ['all'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: jobStrategy,
  generation: 'spec',
  status: { strategy: jobStatusStrategy },
  tableColumns: jobColumns,
  fieldLabels: jobFieldLabels,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
};
