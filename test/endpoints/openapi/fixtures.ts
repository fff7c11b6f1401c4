import type { OpenAPIResource } from '../../../src/endpoints/openapi/service.js';

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const r = (group: string, resource: string, kind: string, namespaced: boolean, subresources: string[] = [], verbs = ALL, version = 'v1'): OpenAPIResource => ({
  group, version, resource, kind, namespaced, verbs, subresources,
});

/** The built-in resources of issues 4 and 5, as the master would announce them. */
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
  r('', 'resourcequotas', 'ResourceQuota', true, ['status']),
  r('', 'limitranges', 'LimitRange', true),
  r('apps', 'deployments', 'Deployment', true, ['status', 'scale']),
  r('apps', 'replicasets', 'ReplicaSet', true, ['status', 'scale']),
  r('apps', 'statefulsets', 'StatefulSet', true, ['status', 'scale']),
  r('apps', 'daemonsets', 'DaemonSet', true, ['status']),
  r('batch', 'jobs', 'Job', true, ['status']),
  r('batch', 'cronjobs', 'CronJob', true, ['status']),
  r('policy', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['status']),
  r('networking.k8s.io', 'ingresses', 'Ingress', true, ['status']),
  r('networking.k8s.io', 'networkpolicies', 'NetworkPolicy', true),
  r('scheduling.k8s.io', 'priorityclasses', 'PriorityClass', false),
  r('events.k8s.io', 'events', 'Event', true),
  // One resource in two group-versions, each with its own schema.
  r('autoscaling', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['status'], ALL, 'v1'),
  r('autoscaling', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['status'], ALL, 'v2'),
  r('coordination.k8s.io', 'leases', 'Lease', true),
  r('rbac.authorization.k8s.io', 'roles', 'Role', true),
  r('rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', true),
  r('rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', false),
  r('rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', false),
];
