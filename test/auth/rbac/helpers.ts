import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '../../../src/apis/rbac/v1/types.js';
import type { Attributes } from '../../../src/auth/authorizer/authorizer.js';
import type { RBACLister } from '../../../src/auth/authorizer/rbac/rule-resolver.js';
import type { UserInfo } from '../../../src/auth/user.js';

/** A lister over plain arrays: the authorizer's cache, filled by hand. */
export function staticLister(objs: { roles?: Role[]; roleBindings?: RoleBinding[]; clusterRoles?: ClusterRole[]; clusterRoleBindings?: ClusterRoleBinding[] }): RBACLister {
  return {
    getRole: (ns, name) => objs.roles?.find((r) => r.metadata?.namespace === ns && r.metadata?.name === name),
    listRoleBindings: (ns) => (objs.roleBindings ?? []).filter((b) => b.metadata?.namespace === ns),
    getClusterRole: (name) => objs.clusterRoles?.find((r) => r.metadata?.name === name),
    listClusterRoleBindings: () => objs.clusterRoleBindings ?? [],
  };
}

export const role = (namespace: string, name: string, rules: PolicyRule[]): Role => ({ metadata: { namespace, name }, rules });
export const clusterRole = (name: string, rules: PolicyRule[], labels?: Record<string, string>): ClusterRole => ({ metadata: { name, labels }, rules });
export const user = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });

export function roleBinding(namespace: string, name: string, ref: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Subject[]): RoleBinding {
  return { metadata: { namespace, name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref }, subjects };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects };
}

export function resourceAttrs(u: UserInfo, verb: string, resource: string, opts: Partial<Attributes> = {}): Attributes {
  return { user: u, verb, isResourceRequest: true, path: '', namespace: '', apiGroup: '', apiVersion: 'v1', resource, subresource: '', name: '', ...opts };
}

export function pathAttrs(u: UserInfo, verb: string, path: string): Attributes {
  return { user: u, verb, isResourceRequest: false, path, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '' };
}
