/** The discovery.k8s.io/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { endpointSlices } from './endpointslices.js';

export {
  endpointSlices,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  type Endpoint,
  type EndpointConditions,
  type EndpointPort,
  type EndpointSlice,
} from './endpointslices.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const discoveryV1Resources: ResourceDefinition[] = [endpointSlices as unknown as ResourceDefinition];
