/** The policy/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { podDisruptionBudgets } from './poddisruptionbudgets.js';

export { podDisruptionBudgets, type PodDisruptionBudget } from './poddisruptionbudgets.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const policyV1Resources: ResourceDefinition[] = [podDisruptionBudgets as unknown as ResourceDefinition];
