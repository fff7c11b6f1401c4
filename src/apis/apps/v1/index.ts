/** The apps/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { deployments } from './deployments.js';
import { replicaSets } from './replicasets.js';
import { statefulSets } from './statefulsets.js';
import { daemonSets } from './daemonsets.js';

export { deployments } from './deployments.js';
export { replicaSets, type ReplicaSet } from './replicasets.js';
export { statefulSets, type StatefulSet } from './statefulsets.js';
export { daemonSets, type DaemonSet } from './daemonsets.js';
export type { Deployment } from './types.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const appsV1Resources: ResourceDefinition[] = [
  deployments as unknown as ResourceDefinition,
  replicaSets as unknown as ResourceDefinition,
  statefulSets as unknown as ResourceDefinition,
  daemonSets as unknown as ResourceDefinition,
];
