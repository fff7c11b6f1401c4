/** The apps/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { deployments } from './deployments.js';

export { deployments } from './deployments.js';
export type { Deployment } from './types.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const appsV1Resources: ResourceDefinition[] = [deployments as unknown as ResourceDefinition];
