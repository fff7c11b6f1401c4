/**
 * Which apiVersion/kind pairs have a protobuf message, and its full name. Only kinds
 * defined in proto/ are here; custom resources never speak protobuf, as in kube.
 */

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

const GROUPS: Record<string, { pkg: string; kinds: string[] }> = {
  v1: {
    pkg: 'k8s.io.api.core.v1',
    kinds: [
      'Namespace', 'NamespaceList', 'ConfigMap', 'ConfigMapList', 'Secret', 'SecretList', 'Service', 'ServiceList',
      'Endpoints', 'EndpointsList', 'ServiceAccount', 'ServiceAccountList', 'Event', 'EventList', 'Pod', 'PodList',
      'Binding', 'ResourceQuota', 'ResourceQuotaList', 'LimitRange', 'LimitRangeList',
    ],
  },
  'apps/v1': {
    pkg: 'k8s.io.api.apps.v1',
    kinds: ['Deployment', 'DeploymentList', 'ReplicaSet', 'ReplicaSetList', 'StatefulSet', 'StatefulSetList', 'DaemonSet', 'DaemonSetList'],
  },
  'autoscaling/v1': { pkg: 'k8s.io.api.autoscaling.v1', kinds: ['Scale', 'HorizontalPodAutoscaler', 'HorizontalPodAutoscalerList'] },
  'autoscaling/v2': { pkg: 'k8s.io.api.autoscaling.v2', kinds: ['HorizontalPodAutoscaler', 'HorizontalPodAutoscalerList'] },
  'batch/v1': { pkg: 'k8s.io.api.batch.v1', kinds: ['Job', 'JobList', 'CronJob', 'CronJobList'] },
  'policy/v1': { pkg: 'k8s.io.api.policy.v1', kinds: ['PodDisruptionBudget', 'PodDisruptionBudgetList'] },
  'networking.k8s.io/v1': { pkg: 'k8s.io.api.networking.v1', kinds: ['Ingress', 'IngressList', 'NetworkPolicy', 'NetworkPolicyList'] },
  'scheduling.k8s.io/v1': { pkg: 'k8s.io.api.scheduling.v1', kinds: ['PriorityClass', 'PriorityClassList'] },
  'events.k8s.io/v1': { pkg: 'k8s.io.api.events.v1', kinds: ['Event', 'EventList'] },
  'coordination.k8s.io/v1': { pkg: 'k8s.io.api.coordination.v1', kinds: ['Lease', 'LeaseList'] },
  'discovery.k8s.io/v1': { pkg: 'k8s.io.api.discovery.v1', kinds: ['EndpointSlice', 'EndpointSliceList'] },
  'rbac.authorization.k8s.io/v1': {
    pkg: 'k8s.io.api.rbac.v1',
    kinds: ['Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList'],
  },
  'authorization.k8s.io/v1': {
    pkg: 'k8s.io.api.authorization.v1',
    kinds: ['SelfSubjectAccessReview', 'SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'],
  },
  'authentication.k8s.io/v1': { pkg: 'k8s.io.api.authentication.v1', kinds: ['TokenRequest', 'TokenReview', 'SelfSubjectReview'] },
  'meta.k8s.io/v1': { pkg: META, kinds: ['PartialObjectMetadata', 'PartialObjectMetadataList'] },
};

// kube registers these meta/v1 kinds into every group-version it serves.
const META_KINDS = new Set(['Status', 'DeleteOptions']);

const byVersion = new Map(Object.entries(GROUPS).map(([v, g]) => [v, { pkg: g.pkg, kinds: new Set(g.kinds) }]));

/** The protobuf message full name for an apiVersion/kind, or undefined when it has none. */
export function protobufTypeName(apiVersion: string, kind: string): string | undefined {
  const group = byVersion.get(apiVersion);
  if (!group) return undefined;
  if (META_KINDS.has(kind)) return `${META}.${kind}`;
  return group.kinds.has(kind) ? `${group.pkg}.${kind}` : undefined;
}

export const supportsProtobuf = (apiVersion: string, kind: string): boolean => protobufTypeName(apiVersion, kind) !== undefined;

/** Every apiVersion/kind with a protobuf message (the meta kinds once, under v1). */
export function protobufKinds(): { apiVersion: string; kind: string }[] {
  const out: { apiVersion: string; kind: string }[] = [];
  for (const [apiVersion, g] of Object.entries(GROUPS)) for (const kind of g.kinds) out.push({ apiVersion, kind });
  for (const kind of META_KINDS) out.push({ apiVersion: 'v1', kind });
  return out;
}
