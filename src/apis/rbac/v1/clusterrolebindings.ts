/** rbac.authorization.k8s.io/v1 clusterrolebindings (kube's pkg/registry/rbac/clusterrolebinding). */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { bindingColumns } from './tables.js';
import type { ClusterRoleBinding } from './types.js';
import { defaultBinding, validateBinding, validateRBACName, validateRoleRefUnchanged } from './validation.js';

const ROLE_KINDS = ['ClusterRole'];

export const clusterRoleBindings: ResourceDefinition<ClusterRoleBinding> = {
  info: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    singularName: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  },
  nameValidator: validateRBACName,
  strategy: {
    defaults: defaultBinding,
    validate: (b) => validateBinding(b, false, ROLE_KINDS),
    validateUpdate: (b, old) => [...validateBinding(b, false, ROLE_KINDS), ...validateRoleRefUnchanged(b, old)],
  },
  generation: 'none',
  tableColumns: bindingColumns(
    'clusterRoleBinding',
    'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.',
  ),
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: true,
};
