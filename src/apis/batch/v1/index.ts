/** The batch/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { cronJobs } from './cronjobs.js';
import { jobs } from './jobs.js';

export { cronJobs } from './cronjobs.js';
export { jobs } from './jobs.js';
export type { CronJob, Job } from './types.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const batchV1Resources: ResourceDefinition[] = [jobs as unknown as ResourceDefinition, cronJobs as unknown as ResourceDefinition];
