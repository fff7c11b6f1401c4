/** rbac.authorization.k8s.io/v1 rolebindings (kube's pkg/registry/rbac/rolebinding). */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { bindingColumns } from './tables.js';
import type { RoleBinding } from './types.js';
import { defaultBinding, validateBinding, validateRBACName, validateRoleRefUnchanged } from './validation.js';

const ROLE_KINDS = ['Role', 'ClusterRole'];

export const roleBindings: ResourceDefinition<RoleBinding> = {
  info: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'rolebindings',
    singularName: 'rolebinding',
    kind: 'RoleBinding',
    namespaced: true,
  },
  nameValidator: validateRBACName,
  strategy: {
    defaults: defaultBinding,
    validate: (b) => validateBinding(b, true, ROLE_KINDS),
    validateUpdate: (b, old) => [...validateBinding(b, true, ROLE_KINDS), ...validateRoleRefUnchanged(b, old)],
  },
  generation: 'none',
  tableColumns: bindingColumns(
    'roleBinding',
    'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. ' +
      'If the RoleRef cannot be resolved, the Authorizer must return an error.',
  ),
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: true,
};
