/**
 * batch/v1 Job and CronJob as decoded JSON: every field optional, checked
 * before use by the code reading it.
 */
import type { KubeObject, KubeObjectMeta } from '../../../registry/object.js';
import type { LabelSelectorSpec } from '../../../apimachinery/labels.js';
import type { PodTemplateSpec } from '../../apps/v1/types.js';

export interface JobSpec {
  parallelism?: number | null;
  completions?: number | null;
  activeDeadlineSeconds?: number | null;
  backoffLimit?: number | null;
  backoffLimitPerIndex?: number | null;
  maxFailedIndexes?: number | null;
  ttlSecondsAfterFinished?: number | null;
  selector?: LabelSelectorSpec | null;
  manualSelector?: boolean | null;
  template?: PodTemplateSpec;
  completionMode?: string | null;
  suspend?: boolean | null;
  podReplacementPolicy?: string | null;
  podFailurePolicy?: Record<string, unknown> | null;
  [field: string]: unknown;
}

export interface Job extends KubeObject {
  spec?: JobSpec;
  status?: Record<string, unknown>;
}

export interface CronJobSpec {
  schedule?: string;
  timeZone?: string | null;
  startingDeadlineSeconds?: number | null;
  concurrencyPolicy?: string;
  suspend?: boolean | null;
  jobTemplate?: { metadata?: KubeObjectMeta; spec?: JobSpec; [field: string]: unknown };
  successfulJobsHistoryLimit?: number | null;
  failedJobsHistoryLimit?: number | null;
  [field: string]: unknown;
}

export interface CronJob extends KubeObject {
  spec?: CronJobSpec;
  status?: Record<string, unknown>;
}
