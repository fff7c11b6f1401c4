/** The networking.k8s.io/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { ingresses } from './ingresses.js';
import { networkPolicies } from './networkpolicies.js';

export { ingresses, type Ingress } from './ingresses.js';
export { networkPolicies, type NetworkPolicy } from './networkpolicies.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const networkingV1Resources: ResourceDefinition[] = [
  ingresses as unknown as ResourceDefinition,
  networkPolicies as unknown as ResourceDefinition,
];
