/** The coordination.k8s.io/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { leases } from './leases.js';

export { leases, type Lease, type LeaseSpec } from './leases.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const coordinationV1Resources: ResourceDefinition[] = [leases as unknown as ResourceDefinition];
