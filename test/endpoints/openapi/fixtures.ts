import type { OpenAPIResource } from '../../../src/endpoints/openapi/service.js';

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const r = (group: string, resource: string, kind: string, namespaced: boolean, subresources: string[] = [], verbs = ALL): OpenAPIResource => ({
  group, version: 'v1', resource, kind, namespaced, verbs, subresources,
});

/** The built-in resources of issue 4, as the master would announce them. */
export const BUILTIN_RESOURCES: OpenAPIResource[] = [
  r('', 'namespaces', 'Namespace', false, ['status', 'finalize'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
  r('', 'configmaps', 'ConfigMap', true),
  r('', 'secrets', 'Secret', true),
  r('', 'services', 'Service', true, ['status'], ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']),
  r('', 'endpoints', 'Endpoints', true),
  r('', 'serviceaccounts', 'ServiceAccount', true),
  r('', 'events', 'Event', true),
  r('', 'pods', 'Pod', true, ['status', 'binding']),
  r('', 'bindings', 'Binding', true, [], ['create']),
  r('apps', 'deployments', 'Deployment', true, ['status', 'scale']),
  r('coordination.k8s.io', 'leases', 'Lease', true),
  r('rbac.authorization.k8s.io', 'roles', 'Role', true),
  r('rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', true),
  r('rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', false),
  r('rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', false),
];
