/**
 * batch/v1 cronjobs: kube's pkg/registry/batch/cronjob strategy, batch/v1
 * defaults, ValidateCronJob* (schedule parsed as robfig/cron's standard
 * parser does) and the cron job printer, as one ResourceDefinition. Stored
 * and validated; nothing schedules them.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import { metaOf } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { validateNonnegativeField } from '../../../apimachinery/validation/metadata-fields.js';
import { ageColumn, translateTimestampSince } from '../../shared/age.js';
import { defaultPodTemplate } from '../../apps/v1/pod-template-defaults.js';
import { isRecord, listOf } from '../../apps/v1/types.js';
import { containerColumns, formatLabelSelector, num, selectorOf } from '../../apps/v1/workload-helpers.js';
import { cronScheduleError, isKnownTimeZone } from './cron-schedule.js';
import { validateJobTemplateSpec } from './job-validation.js';
import type { CronJob, CronJobSpec, JobSpec } from './types.js';

const SPEC = FieldPath.of('spec');
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
/** The cronjob controller appends an 11-character suffix to job names, which are at most 63. */
const MAX_CRONJOB_NAME_LENGTH = 52;
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** kube's SetDefaults_CronJob; the job template gets only the pod template's defaults, as in kube. */
export function defaultCronJob(cj: CronJob): void {
  if (!isRecord(cj.spec)) cj.spec = {};
  const spec = cj.spec;
  spec.concurrencyPolicy ||= 'Allow';
  if (spec.suspend === undefined || spec.suspend === null) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit === undefined || spec.successfulJobsHistoryLimit === null) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit === undefined || spec.failedJobsHistoryLimit === null) spec.failedJobsHistoryLimit = 1;
  const jobSpec = isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
  if (jobSpec) defaultPodTemplate(jobSpec.template);
}

function validateScheduleFormat(schedule: string, allowTZInSchedule: boolean, timeZone: unknown, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const parseError = cronScheduleError(schedule);
  if (parseError !== undefined) errs.push(field.invalid(path, schedule, parseError));
  if (allowTZInSchedule && schedule.includes('TZ') && timeZone !== undefined && timeZone !== null) {
    errs.push(field.invalid(path, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  } else if (!allowTZInSchedule && schedule.includes('TZ')) {
    errs.push(field.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

/** kube's validateTimeZone (IANA naming rules, then Go's time.LoadLocation). */
function validateTimeZone(timeZone: unknown, path: FieldPath): field.FieldError[] {
  if (timeZone === undefined || timeZone === null) return [];
  const tz = String(timeZone);
  if (tz.length === 0) return [field.invalid(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_PART.test(part)) {
      return [field.invalid(path, tz, `unknown time zone ${tz}`)];
    }
  }
  const errs: field.FieldError[] = [];
  if (tz.toLowerCase() === 'local') {
    errs.push(field.invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  }
  if (!isKnownTimeZone(tz)) errs.push(field.invalid(path, tz, `unknown time zone ${tz}`));
  return errs;
}

/** kube's validateCronJobSpec; `old` is the stored spec on update. */
export function validateCronJobSpec(spec: CronJobSpec, old: CronJobSpec | undefined, path: FieldPath = SPEC): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : '';
  if (!schedule) errs.push(field.required(path.child('schedule')));
  else {
    const allowTZ = old !== undefined && typeof old.schedule === 'string' && old.schedule.includes('TZ');
    errs.push(...validateScheduleFormat(schedule, allowTZ, spec.timeZone, path.child('schedule')));
  }
  const deadline = num(spec.startingDeadlineSeconds);
  if (deadline !== undefined) errs.push(...validateNonnegativeField(deadline, path.child('startingDeadlineSeconds')));
  if (old === undefined || (old.timeZone ?? null) !== (spec.timeZone ?? null)) errs.push(...validateTimeZone(spec.timeZone, path.child('timeZone')));
  const policy = typeof spec.concurrencyPolicy === 'string' ? spec.concurrencyPolicy : '';
  if (!policy) errs.push(field.required(path.child('concurrencyPolicy')));
  else if (!CONCURRENCY_POLICIES.includes(policy)) errs.push(field.notSupported(path.child('concurrencyPolicy'), policy, CONCURRENCY_POLICIES));
  const jobTemplate = isRecord(spec.jobTemplate) ? spec.jobTemplate : {};
  errs.push(...validateJobTemplateSpec(isRecord(jobTemplate.spec) ? jobTemplate.spec : {}, path.child('jobTemplate')));
  for (const key of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
    if (num(spec[key]) !== undefined) errs.push(...validateNonnegativeField(num(spec[key]), path.child(key)));
  }
  return errs;
}

const specOf = (cj: CronJob): CronJobSpec => (isRecord(cj.spec) ? cj.spec : {});
const statusOf = (cj: CronJob): Record<string, unknown> => (isRecord(cj.status) ? cj.status : {});

/** kube's ValidateCronJobCreate (metadata aside): the spec, and room in the name for the job suffix. */
export function validateCronJob(cj: CronJob): field.FieldError[] {
  const errs = validateCronJobSpec(specOf(cj), undefined);
  const name = metaOf(cj).name ?? '';
  if (name.length > MAX_CRONJOB_NAME_LENGTH) {
    errs.push(field.invalid(FieldPath.of('metadata', 'name'), name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  }
  return errs;
}

export const cronJobStrategy: Strategy<CronJob> = {
  defaults: defaultCronJob,
  prepareForCreate(cj) {
    cj.status = {};
  },
  validate: validateCronJob,
  validateUpdate: (cj, old) => validateCronJobSpec(specOf(cj), specOf(old)),
};

/** kube's cronJobStatusStrategy validates nothing beyond metadata. */
export const cronJobStatusStrategy: Strategy<CronJob> = {
  prepareForUpdate(cj, old) {
    cj.spec = structuredClone(old.spec);
  },
};

const jobSpecOf = (cj: CronJob): JobSpec => {
  const t = specOf(cj).jobTemplate;
  return isRecord(t) && isRecord(t.spec) ? t.spec : {};
};

/** kube's printBoolPtr. */
const boolPtr = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>');

export const cronJobColumns: TableColumn<CronJob>[] = [
  {
    name: 'Schedule',
    type: 'string',
    description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.',
    priority: 0,
    cell: (cj) => (typeof specOf(cj).schedule === 'string' ? (specOf(cj).schedule as string) : ''),
  },
  {
    name: 'Timezone',
    type: 'string',
    description: 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
    priority: 0,
    cell: (cj) => (typeof specOf(cj).timeZone === 'string' ? (specOf(cj).timeZone as string) : '<none>'),
  },
  {
    name: 'Suspend',
    type: 'boolean',
    description: 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.',
    priority: 0,
    cell: (cj) => boolPtr(specOf(cj).suspend),
  },
  {
    name: 'Active',
    type: 'integer',
    description: 'A list of pointers to currently running jobs.',
    priority: 0,
    cell: (cj) => listOf(statusOf(cj).active).length,
  },
  {
    name: 'Last Schedule',
    type: 'string',
    description: 'Information when was the last time the job was successfully scheduled.',
    priority: 0,
    cell: (cj, now) => (statusOf(cj).lastScheduleTime ? translateTimestampSince(statusOf(cj).lastScheduleTime, now) : '<none>'),
  },
  ageColumn<CronJob>(),
  ...containerColumns<CronJob>((cj) => jobSpecOf(cj).template),
  {
    name: 'Selector',
    type: 'string',
    description:
      'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
    priority: 1,
    cell: (cj) => formatLabelSelector(selectorOf(jobSpecOf(cj).selector)),
  },
];

export const cronJobs: ResourceDefinition<CronJob> = {
  info: {
    group: 'batch',
    version: 'v1',
    resource: 'cronjobs',
    singularName: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: cronJobStrategy,
  generation: 'spec',
  status: { strategy: cronJobStatusStrategy },
  tableColumns: cronJobColumns,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
};
