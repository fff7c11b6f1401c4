/** The rbac.authorization.k8s.io/v1 group-version's built-in resources. */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { clusterRoleBindings } from './clusterrolebindings.js';
import { clusterRoles } from './clusterroles.js';
import { roleBindings } from './rolebindings.js';
import { roles } from './roles.js';

export { roles } from './roles.js';
export { roleBindings } from './rolebindings.js';
export { clusterRoles } from './clusterroles.js';
export { clusterRoleBindings } from './clusterrolebindings.js';
export type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from './types.js';

// Each definition only ever sees objects of its own kind; the list erases the kind parameter.
export const rbacV1Resources: ResourceDefinition[] = [
  roles as unknown as ResourceDefinition,
  roleBindings as unknown as ResourceDefinition,
  clusterRoles as unknown as ResourceDefinition,
  clusterRoleBindings as unknown as ResourceDefinition,
];
