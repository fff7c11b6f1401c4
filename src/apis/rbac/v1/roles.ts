/** rbac.authorization.k8s.io/v1 roles (kube's pkg/registry/rbac/role). */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import { createdAtColumn } from './tables.js';
import type { Role } from './types.js';
import { validateRBACName, validateRules } from './validation.js';

export const roles: ResourceDefinition<Role> = {
  info: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'roles',
    singularName: 'role',
    kind: 'Role',
    namespaced: true,
  },
  nameValidator: validateRBACName,
  strategy: {
    validate: (r) => validateRules(r.rules, true),
    validateUpdate: (r) => validateRules(r.rules, true),
  },
  generation: 'none',
  tableColumns: [createdAtColumn<Role>()],
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: true,
};
