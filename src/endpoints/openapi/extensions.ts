import type { ModelType } from './model.js';

/**
 * The reviewed overlay: what kube's OpenAPI says about the built-in types and
 * no npm package ships. Values are kube 1.32's, read from the `patchStrategy`/
 * `patchMergeKey` struct tags and the `+listType`, `+listMapKey`, `+mapType`
 * and `+structType` markers of k8s.io/api and k8s.io/apimachinery types.go.
 * Keep it a table of facts; test/endpoints/openapi checks that every entry
 * names a definition and property that exist.
 */

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface FieldExtensions {
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const AUTOSCALING = 'io.k8s.api.autoscaling.v1.';
const AUTOSCALING_V2 = 'io.k8s.api.autoscaling.v2.';
const BATCH = 'io.k8s.api.batch.v1.';
const COORDINATION = 'io.k8s.api.coordination.v1.';
const DISCOVERY = 'io.k8s.api.discovery.v1.';
const EVENTS = 'io.k8s.api.events.v1.';
const NETWORKING = 'io.k8s.api.networking.v1.';
const POLICY = 'io.k8s.api.policy.v1.';
const RBAC = 'io.k8s.api.rbac.v1.';
const SCHEDULING = 'io.k8s.api.scheduling.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const APIREGISTRATION = 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.';

export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const FIELDS_V1 = `${META}FieldsV1`;
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
export const PATCH = `${META}Patch`;

const atomic: FieldExtensions = { 'x-kubernetes-list-type': 'atomic' };
const atomicMap: FieldExtensions = { 'x-kubernetes-map-type': 'atomic' };
const set: FieldExtensions = { 'x-kubernetes-list-type': 'set' };
/** A list merged by key under strategic merge patch, and a map-list under server-side apply. */
const mergeByKey = (key: string, listMapKeys: string[] = [key], strategy = 'merge'): FieldExtensions => ({
  'x-kubernetes-list-map-keys': listMapKeys,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': strategy,
});
const mapList = (...keys: string[]): FieldExtensions => ({ 'x-kubernetes-list-map-keys': keys, 'x-kubernetes-list-type': 'map' });

/** Field extensions, by definition then JSON field name. */
export const FIELD_EXTENSIONS: Readonly<Record<string, Readonly<Record<string, FieldExtensions>>>> = {
  [`${CORE}PodSpec`]: {
    containers: mergeByKey('name'),
    initContainers: mergeByKey('name'),
    ephemeralContainers: mergeByKey('name'),
    volumes: mergeByKey('name', ['name'], 'merge,retainKeys'),
    imagePullSecrets: mergeByKey('name'),
    hostAliases: mergeByKey('ip'),
    topologySpreadConstraints: mergeByKey('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    schedulingGates: mergeByKey('name'),
    resourceClaims: mergeByKey('name', ['name'], 'merge,retainKeys'),
    tolerations: atomic,
    readinessGates: atomic,
    nodeSelector: atomicMap,
  },
  [`${CORE}Container`]: {
    ports: mergeByKey('containerPort', ['containerPort', 'protocol']),
    env: mergeByKey('name'),
    volumeMounts: mergeByKey('mountPath'),
    volumeDevices: mergeByKey('devicePath'),
    command: atomic,
    args: atomic,
    envFrom: atomic,
    resizePolicy: atomic,
  },
  [`${CORE}EphemeralContainer`]: {
    ports: mergeByKey('containerPort', ['containerPort', 'protocol']),
    env: mergeByKey('name'),
    volumeMounts: mergeByKey('mountPath'),
    volumeDevices: mergeByKey('devicePath'),
    command: atomic,
    args: atomic,
    envFrom: atomic,
    resizePolicy: atomic,
  },
  [`${CORE}ContainerStatus`]: {
    volumeMounts: mergeByKey('mountPath'),
    allocatedResourcesStatus: mergeByKey('name'),
  },
  [`${CORE}PodStatus`]: {
    conditions: mergeByKey('type'),
    hostIPs: { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': 'merge' },
    podIPs: mergeByKey('ip'),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: mergeByKey('name', ['name'], 'merge,retainKeys'),
  },
  [`${CORE}ResourceRequirements`]: { claims: mapList('name') },
  [`${CORE}ResourceStatus`]: { resources: mapList('resourceID') },
  [`${CORE}PodSecurityContext`]: { supplementalGroups: atomic, sysctls: atomic },
  [`${CORE}LinuxContainerUser`]: { supplementalGroups: atomic },
  [`${CORE}Capabilities`]: { add: atomic, drop: atomic },
  [`${CORE}ExecAction`]: { command: atomic },
  [`${CORE}HTTPGetAction`]: { httpHeaders: atomic },
  [`${CORE}PodDNSConfig`]: { nameservers: atomic, searches: atomic, options: atomic },
  [`${CORE}HostAlias`]: { hostnames: atomic },
  [`${CORE}TopologySpreadConstraint`]: { matchLabelKeys: atomic },
  [`${CORE}NodeSelector`]: { nodeSelectorTerms: atomic },
  [`${CORE}NodeSelectorTerm`]: { matchExpressions: atomic, matchFields: atomic },
  [`${CORE}NodeSelectorRequirement`]: { values: atomic },
  [`${CORE}NodeAffinity`]: { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [`${CORE}PodAffinity`]: { requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [`${CORE}PodAntiAffinity`]: { requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [`${CORE}PodAffinityTerm`]: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  [`${CORE}PersistentVolumeClaimSpec`]: { accessModes: atomic },
  [`${CORE}RBDVolumeSource`]: { monitors: atomic },
  [`${CORE}CephFSVolumeSource`]: { monitors: atomic },
  [`${CORE}ISCSIVolumeSource`]: { portals: atomic },
  [`${CORE}FCVolumeSource`]: { targetWWNs: atomic, wwids: atomic },
  [`${CORE}SecretVolumeSource`]: { items: atomic },
  [`${CORE}SecretProjection`]: { items: atomic },
  [`${CORE}ConfigMapVolumeSource`]: { items: atomic },
  [`${CORE}ConfigMapProjection`]: { items: atomic },
  [`${CORE}DownwardAPIVolumeSource`]: { items: atomic },
  [`${CORE}DownwardAPIProjection`]: { items: atomic },
  [`${CORE}ProjectedVolumeSource`]: { sources: atomic },
  [`${CORE}ServiceSpec`]: {
    ports: mergeByKey('port', ['port', 'protocol']),
    selector: atomicMap,
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
  },
  [`${CORE}ServiceStatus`]: { conditions: mergeByKey('type') },
  [`${CORE}LoadBalancerStatus`]: { ingress: atomic },
  [`${CORE}LoadBalancerIngress`]: { ports: atomic },
  [`${CORE}ServiceAccount`]: { secrets: mergeByKey('name'), imagePullSecrets: atomic },
  [`${CORE}Endpoints`]: { subsets: atomic },
  [`${CORE}EndpointSubset`]: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  [`${CORE}NamespaceSpec`]: { finalizers: atomic },
  [`${CORE}NamespaceStatus`]: { conditions: mergeByKey('type') },
  [`${CORE}ResourceQuotaSpec`]: { scopes: atomic },
  [`${CORE}ScopeSelector`]: { matchExpressions: atomic },
  [`${CORE}ScopedResourceSelectorRequirement`]: { values: atomic },
  [`${CORE}LimitRangeSpec`]: { limits: atomic },
  [`${CORE}PersistentVolumeClaimStatus`]: { accessModes: atomic, conditions: mergeByKey('type'), allocatedResourceStatuses: { 'x-kubernetes-map-type': 'granular' } },
  [`${APPS}DeploymentSpec`]: { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  [`${APPS}DeploymentStatus`]: { conditions: mergeByKey('type') },
  [`${APPS}ReplicaSetStatus`]: { conditions: mergeByKey('type') },
  [`${APPS}StatefulSetSpec`]: { volumeClaimTemplates: atomic },
  [`${APPS}StatefulSetStatus`]: { conditions: mergeByKey('type') },
  [`${APPS}DaemonSetStatus`]: { conditions: mergeByKey('type') },
  [`${BATCH}JobStatus`]: { conditions: { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge' } },
  [`${BATCH}PodFailurePolicy`]: { rules: atomic },
  [`${BATCH}PodFailurePolicyRule`]: { onPodConditions: atomic },
  [`${BATCH}PodFailurePolicyOnExitCodesRequirement`]: { values: set },
  [`${BATCH}SuccessPolicy`]: { rules: atomic },
  [`${BATCH}UncountedTerminatedPods`]: { succeeded: set, failed: set },
  [`${BATCH}CronJobStatus`]: { active: atomic },
  [`${POLICY}PodDisruptionBudgetSpec`]: { selector: { 'x-kubernetes-patch-strategy': 'replace' } },
  [`${POLICY}PodDisruptionBudgetStatus`]: { conditions: mergeByKey('type') },
  [`${NETWORKING}IngressSpec`]: { tls: atomic, rules: atomic },
  [`${NETWORKING}IngressTLS`]: { hosts: atomic },
  [`${NETWORKING}HTTPIngressRuleValue`]: { paths: atomic },
  [`${NETWORKING}IngressLoadBalancerStatus`]: { ingress: atomic },
  [`${NETWORKING}IngressLoadBalancerIngress`]: { ports: atomic },
  [`${NETWORKING}NetworkPolicySpec`]: { ingress: atomic, egress: atomic, policyTypes: atomic },
  [`${NETWORKING}NetworkPolicyIngressRule`]: { ports: atomic, from: atomic },
  [`${NETWORKING}NetworkPolicyEgressRule`]: { ports: atomic, to: atomic },
  [`${NETWORKING}IPBlock`]: { except: atomic },
  [`${AUTOSCALING_V2}HorizontalPodAutoscalerSpec`]: { metrics: atomic },
  [`${AUTOSCALING_V2}HorizontalPodAutoscalerStatus`]: { currentMetrics: atomic, conditions: mergeByKey('type') },
  [`${AUTOSCALING_V2}HPAScalingRules`]: { policies: atomic },
  [`${RBAC}Role`]: { rules: atomic },
  [`${RBAC}ClusterRole`]: { rules: atomic },
  [`${RBAC}RoleBinding`]: { subjects: atomic },
  [`${RBAC}ClusterRoleBinding`]: { subjects: atomic },
  [`${RBAC}AggregationRule`]: { clusterRoleSelectors: atomic },
  [`${RBAC}PolicyRule`]: { verbs: atomic, apiGroups: atomic, resources: atomic, resourceNames: atomic, nonResourceURLs: atomic },
  // caBundle's +listType=atomic is left out: on a []byte (a string here) it says nothing to a merge.
  [`${APIREGISTRATION}APIServiceStatus`]: { conditions: mergeByKey('type') },
  [`${DISCOVERY}EndpointSlice`]: { endpoints: atomic, ports: atomic },
  [`${DISCOVERY}Endpoint`]: { addresses: set },
  [`${DISCOVERY}EndpointHints`]: { forZones: atomic, forNodes: atomic },
  [`${META}ObjectMeta`]: {
    ownerReferences: mergeByKey('uid'),
    finalizers: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    managedFields: atomic,
  },
  [`${META}LabelSelector`]: { matchExpressions: atomic },
  [`${META}LabelSelectorRequirement`]: { values: atomic },
  [`${META}DeleteOptions`]: { dryRun: atomic },
  [`${META}StatusDetails`]: { causes: atomic },
  [`${META}APIResource`]: { shortNames: atomic, categories: atomic },
  [`${META}APIResourceList`]: { resources: atomic },
  [`${META}APIGroup`]: { versions: atomic, serverAddressByClientCIDRs: atomic },
  [`${META}APIGroupList`]: { groups: atomic },
  [`${META}APIVersions`]: { versions: atomic, serverAddressByClientCIDRs: atomic },
};

/** Structs kube marks `+structType=atomic`: replaced whole by apply, shown as `x-kubernetes-map-type: atomic`. */
export const ATOMIC_STRUCTS: ReadonlySet<string> = new Set([
  `${CORE}ObjectFieldSelector`, `${CORE}ResourceFieldSelector`, `${CORE}ConfigMapKeySelector`, `${CORE}SecretKeySelector`,
  `${CORE}NodeSelector`, `${CORE}NodeSelectorTerm`, `${CORE}EndpointAddress`, `${CORE}EndpointPort`,
  `${CORE}ObjectReference`, `${CORE}LocalObjectReference`, `${CORE}TypedLocalObjectReference`,
  `${CORE}ScopeSelector`, `${NETWORKING}ServiceBackendPort`, `${AUTOSCALING}CrossVersionObjectReference`,
  `${RBAC}Subject`, `${RBAC}RoleRef`, `${META}OwnerReference`, `${META}LabelSelector`,
]);

/**
 * Field types the source flattens: Quantity becomes a plain string there, and
 * two opaque fields become `any`. Kube gives each its own definition.
 */
const quantityMap: ModelType = { type: 'object', additionalProperties: { ref: QUANTITY } };
export const FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, ModelType>>>> = {
  [`${CORE}ResourceRequirements`]: { limits: quantityMap, requests: quantityMap },
  [`${CORE}VolumeResourceRequirements`]: { limits: quantityMap, requests: quantityMap },
  [`${CORE}ContainerStatus`]: { allocatedResources: quantityMap },
  [`${CORE}PodSpec`]: { overhead: quantityMap },
  [`${CORE}ResourceQuotaSpec`]: { hard: quantityMap },
  [`${CORE}ResourceQuotaStatus`]: { hard: quantityMap, used: quantityMap },
  [`${CORE}LimitRangeItem`]: { max: quantityMap, min: quantityMap, default: quantityMap, defaultRequest: quantityMap, maxLimitRequestRatio: quantityMap },
  [`${CORE}PersistentVolumeClaimStatus`]: { capacity: quantityMap, allocatedResources: quantityMap },
  [`${AUTOSCALING_V2}MetricTarget`]: { value: { ref: QUANTITY }, averageValue: { ref: QUANTITY } },
  [`${AUTOSCALING_V2}MetricValueStatus`]: { value: { ref: QUANTITY }, averageValue: { ref: QUANTITY } },
  [`${CORE}EmptyDirVolumeSource`]: { sizeLimit: { ref: QUANTITY } },
  [`${CORE}ResourceFieldSelector`]: { divisor: { ref: QUANTITY } },
  [`${META}ManagedFieldsEntry`]: { fieldsV1: { ref: FIELDS_V1 } },
  [`${META}WatchEvent`]: { object: { ref: RAW_EXTENSION } },
};

/**
 * The top-level kinds: the definition each GroupVersionKind is served as.
 * DeleteOptions and WatchEvent are left out: kube lists them under every
 * group-version, so the document builder adds one entry per served one.
 */
export const KIND_DEFINITIONS: Readonly<Record<string, GroupVersionKind>> = Object.fromEntries(
  (
    [
      [CORE, '', 'v1', ['Namespace', 'NamespaceList', 'ConfigMap', 'ConfigMapList', 'Secret', 'SecretList', 'Service', 'ServiceList', 'Endpoints', 'EndpointsList', 'ServiceAccount', 'ServiceAccountList', 'Event', 'EventList', 'Pod', 'PodList', 'Binding', 'ResourceQuota', 'ResourceQuotaList', 'LimitRange', 'LimitRangeList']],
      [APPS, 'apps', 'v1', ['Deployment', 'DeploymentList', 'ReplicaSet', 'ReplicaSetList', 'StatefulSet', 'StatefulSetList', 'DaemonSet', 'DaemonSetList']],
      [AUTOSCALING, 'autoscaling', 'v1', ['Scale', 'HorizontalPodAutoscaler', 'HorizontalPodAutoscalerList']],
      [AUTOSCALING_V2, 'autoscaling', 'v2', ['HorizontalPodAutoscaler', 'HorizontalPodAutoscalerList']],
      [BATCH, 'batch', 'v1', ['Job', 'JobList', 'CronJob', 'CronJobList']],
      [COORDINATION, 'coordination.k8s.io', 'v1', ['Lease', 'LeaseList']],
      [DISCOVERY, 'discovery.k8s.io', 'v1', ['EndpointSlice', 'EndpointSliceList']],
      [EVENTS, 'events.k8s.io', 'v1', ['Event', 'EventList']],
      [NETWORKING, 'networking.k8s.io', 'v1', ['Ingress', 'IngressList', 'NetworkPolicy', 'NetworkPolicyList']],
      [POLICY, 'policy', 'v1', ['PodDisruptionBudget', 'PodDisruptionBudgetList']],
      [RBAC, 'rbac.authorization.k8s.io', 'v1', ['Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList']],
      [SCHEDULING, 'scheduling.k8s.io', 'v1', ['PriorityClass', 'PriorityClassList']],
      [APIREGISTRATION, 'apiregistration.k8s.io', 'v1', ['APIService', 'APIServiceList']],
      [META, '', 'v1', ['Status', 'APIResourceList', 'APIGroup', 'APIGroupList', 'APIVersions']],
    ] as const
  ).flatMap(([prefix, group, version, kinds]) => kinds.map((kind) => [`${prefix}${kind}`, { group, version, kind }] as const)),
);

export const DELETE_OPTIONS = `${META}DeleteOptions`;
export const WATCH_EVENT = `${META}WatchEvent`;
/** Kinds kube registers in every group-version (x-kubernetes-group-version-kind lists each). */
export const EVERY_GROUP_VERSION_KINDS: ReadonlyArray<{ definition: string; kind: string }> = [
  { definition: DELETE_OPTIONS, kind: 'DeleteOptions' },
  { definition: WATCH_EVENT, kind: 'WatchEvent' },
];

/**
 * Types kube serialises as something other than an object, with a schema of
 * their own in each OpenAPI version (kube-openapi's OpenAPISchemaType/Format
 * and OpenAPIV3OneOfTypes on the Go type). Descriptions are ours.
 */
export interface PrimitiveDefinition {
  description: string;
  v2: Record<string, unknown>;
  v3: Record<string, unknown>;
}
const same = (schema: Record<string, unknown>) => ({ v2: schema, v3: schema });
export const PRIMITIVES: Readonly<Record<string, PrimitiveDefinition>> = {
  [`${META}Time`]: {
    description: 'Time is a timestamp with second precision, written in RFC 3339 form (for example "2024-01-02T15:04:05Z").',
    ...same({ type: 'string', format: 'date-time' }),
  },
  [`${META}MicroTime`]: {
    description: 'MicroTime is a timestamp with microsecond precision, written in RFC 3339 form with six fractional digits.',
    ...same({ type: 'string', format: 'date-time' }),
  },
  [QUANTITY]: {
    description:
      'Quantity is a fixed-point number with an optional suffix: a binary SI suffix (Ki, Mi, Gi, Ti, Pi, Ei), a decimal SI suffix (n, u, m, "", k, M, G, T, P, E) or a decimal exponent (e3, E6). Examples: "100m", "1.5Gi", "2". It is written as a string in its canonical form; a plain number is also accepted on input.',
    v2: { type: 'string' },
    v3: { oneOf: [{ type: 'string' }, { type: 'number' }] },
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'IntOrString holds either a 32-bit integer or a string, as in a port given by number (8080) or by name ("http").',
    v2: { type: 'string', format: 'int-or-string' },
    v3: { oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' },
  },
  [FIELDS_V1]: {
    description: 'FieldsV1 is the set of fields a manager owns, encoded as a JSON trie whose keys name fields ("f:<name>"), map entries ("k:<keys>"), values ("v:<value>") and list indices ("i:<index>").',
    ...same({ type: 'object' }),
  },
  [RAW_EXTENSION]: {
    description: 'RawExtension holds an embedded object of any kind, carried as its own JSON with apiVersion and kind.',
    ...same({ type: 'object' }),
  },
  [PATCH]: {
    description: 'Patch is the body of a PATCH request; its format is named by the Content-Type of the request.',
    ...same({ type: 'object' }),
  },
};

const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';

/**
 * The source drops the description of every field whose type is another
 * model; kubectl explain then says `<no description>` for metadata, spec and
 * status of every kind. These stand in for them on the top-level kinds (our
 * wording of the API conventions).
 */
export function conventionDescription(kind: string, field: string): string | undefined {
  const list = kind.endsWith('List');
  switch (field) {
    case 'metadata':
      return list
        ? `Standard list metadata: resourceVersion, continue and remainingItemCount. More info: ${CONVENTIONS}#metadata`
        : `Standard object metadata: name, namespace, labels, annotations and the fields the system sets. More info: ${CONVENTIONS}#metadata`;
    case 'spec':
      return `The desired state of the ${kind}. More info: ${CONVENTIONS}#spec-and-status`;
    case 'status':
      return `The most recently observed state of the ${kind}, written by the system. Read-only. More info: ${CONVENTIONS}#spec-and-status`;
    default:
      return undefined;
  }
}
