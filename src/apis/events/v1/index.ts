/** The events.k8s.io/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { eventsV1 } from './events.js';

export { eventsV1, eventsV1StorageConversion, eventFromCore, eventToCore, type EventV1 } from './events.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const eventsV1Resources: ResourceDefinition[] = [eventsV1 as unknown as ResourceDefinition];
