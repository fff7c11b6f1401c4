/** The scheduling.k8s.io/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { priorityClasses } from './priorityclasses.js';

export { priorityClasses, type PriorityClass } from './priorityclasses.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const schedulingV1Resources: ResourceDefinition[] = [priorityClasses as unknown as ResourceDefinition];
