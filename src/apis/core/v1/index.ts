/** The core/v1 kinds frontdoor serves, as ResourceDefinitions for the installer. */
import type { KubeObject } from '../../../registry/object.js';
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { configMaps } from './configmaps.js';
import { endpoints } from './endpoints.js';
import { events } from './events.js';
import { namespaces } from './namespaces.js';
import { pods } from './pods.js';
import { secrets } from './secrets.js';
import { serviceAccounts } from './serviceaccounts.js';
import { services } from './services.js';
import { resourceQuotas } from './resourcequotas.js';
import { limitRanges } from './limitranges.js';

/**
 * Each definition is typed for its own kind; the installer handles them all
 * as KubeObjects, which they are (the Store only ever passes the kind it serves).
 */
const erase = <T extends KubeObject>(def: ResourceDefinition<T>): ResourceDefinition => def as unknown as ResourceDefinition;

export const coreV1Resources: ResourceDefinition[] = [
  erase(namespaces),
  erase(configMaps),
  erase(secrets),
  erase(services),
  erase(endpoints),
  erase(serviceAccounts),
  erase(events),
  erase(pods),
  erase(resourceQuotas),
  erase(limitRanges),
];

export { configMaps, endpoints, events, namespaces, pods, secrets, serviceAccounts, services };
export { resourceQuotas, limitRanges };
export { namespaceFinalizeStrategy, NAMESPACE_NAME_LABEL } from './namespaces.js';
