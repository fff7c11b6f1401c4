/**
 * How kube's JSON differs from a plain reading of the protobuf message: facts of the
 * Go types behind both encodings, which the .proto files cannot express.
 *
 * Go writes every non-pointer field to protobuf, zero or not, while its JSON drops
 * zero values of `omitempty` fields. So a decoded scalar at its zero value shows in
 * JSON only when the Go field is a pointer (set, hence on the wire) or has no
 * omitempty. Those fields are listed here, per message; every other scalar field
 * is omitted from JSON when zero.
 */

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.';
const API = 'k8s.io.api.';

const KEEP_ZERO: Record<string, string> = {
  'apps.v1.DeploymentSpec': 'replicas revisionHistoryLimit progressDeadlineSeconds',
  'apps.v1.DeploymentStatus': 'collisionCount',
  'apps.v1.DeploymentCondition': 'type status',
  'apps.v1.ReplicaSetSpec': 'replicas',
  'apps.v1.ReplicaSetStatus': 'replicas',
  'apps.v1.ReplicaSetCondition': 'type status',
  'apps.v1.StatefulSetSpec': 'replicas serviceName revisionHistoryLimit',
  'apps.v1.RollingUpdateStatefulSetStrategy': 'partition',
  'apps.v1.StatefulSetOrdinals': 'start',
  'apps.v1.StatefulSetStatus': 'replicas collisionCount availableReplicas',
  'apps.v1.StatefulSetCondition': 'type status',
  'apps.v1.DaemonSetSpec': 'revisionHistoryLimit',
  'apps.v1.DaemonSetStatus': 'currentNumberScheduled numberMisscheduled desiredNumberScheduled numberReady collisionCount',
  'apps.v1.DaemonSetCondition': 'type status',
  'batch.v1.JobSpec':
    'parallelism completions activeDeadlineSeconds backoffLimit backoffLimitPerIndex maxFailedIndexes manualSelector ' +
    'ttlSecondsAfterFinished completionMode suspend podReplacementPolicy managedBy',
  'batch.v1.PodFailurePolicyRule': 'action',
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': 'containerName operator',
  'batch.v1.PodFailurePolicyOnPodConditionsPattern': 'type status',
  'batch.v1.SuccessPolicyRule': 'succeededIndexes succeededCount',
  'batch.v1.JobStatus': 'terminating failedIndexes ready',
  'batch.v1.JobCondition': 'type status',
  'batch.v1.CronJobSpec': 'schedule timeZone startingDeadlineSeconds suspend successfulJobsHistoryLimit failedJobsHistoryLimit',
  'policy.v1.PodDisruptionBudgetSpec': 'unhealthyPodEvictionPolicy',
  'policy.v1.PodDisruptionBudgetStatus': 'disruptionsAllowed currentHealthy desiredHealthy expectedPods',
  'networking.v1.IngressSpec': 'ingressClassName',
  'networking.v1.IngressServiceBackend': 'name',
  'networking.v1.HTTPIngressPath': 'pathType',
  'networking.v1.IngressPortStatus': 'port protocol error',
  'networking.v1.NetworkPolicyPort': 'protocol endPort',
  'networking.v1.IPBlock': 'cidr',
  'scheduling.v1.PriorityClass': 'value preemptionPolicy',
  'events.v1.EventSeries': 'count',
  'autoscaling.v1.HorizontalPodAutoscalerSpec': 'minReplicas maxReplicas targetCPUUtilizationPercentage',
  'autoscaling.v1.CrossVersionObjectReference': 'kind name',
  'autoscaling.v1.HorizontalPodAutoscalerStatus': 'observedGeneration currentReplicas desiredReplicas currentCPUUtilizationPercentage',
  'autoscaling.v2.HorizontalPodAutoscalerSpec': 'minReplicas maxReplicas',
  'autoscaling.v2.CrossVersionObjectReference': 'kind name',
  'autoscaling.v2.MetricSpec': 'type',
  'autoscaling.v2.ResourceMetricSource': 'name',
  'autoscaling.v2.ContainerResourceMetricSource': 'name container',
  'autoscaling.v2.MetricIdentifier': 'name',
  'autoscaling.v2.MetricTarget': 'type averageUtilization',
  'autoscaling.v2.HPAScalingRules': 'stabilizationWindowSeconds selectPolicy',
  'autoscaling.v2.HPAScalingPolicy': 'type value periodSeconds',
  'autoscaling.v2.HorizontalPodAutoscalerStatus': 'observedGeneration desiredReplicas',
  'autoscaling.v2.HorizontalPodAutoscalerCondition': 'type status',
  'autoscaling.v2.MetricStatus': 'type',
  'autoscaling.v2.ResourceMetricStatus': 'name',
  'autoscaling.v2.ContainerResourceMetricStatus': 'name container',
  'autoscaling.v2.MetricValueStatus': 'averageUtilization',
  'authorization.v1.SubjectAccessReviewStatus': 'allowed',
  'authorization.v1.SubjectRulesReviewStatus': 'incomplete',
  'autoscaling.v1.ScaleStatus': 'replicas',
  'coordination.v1.LeaseSpec': 'holderIdentity leaseDurationSeconds leaseTransitions strategy preferredHolder',
  'discovery.v1.EndpointSlice': 'addressType',
  'discovery.v1.Endpoint': 'hostname nodeName zone',
  'discovery.v1.EndpointConditions': 'ready serving terminating',
  'discovery.v1.EndpointPort': 'name protocol port appProtocol',
  'discovery.v1.ForZone': 'name',
  'discovery.v1.ForNode': 'name',
  'rbac.v1.Subject': 'kind name',
  'rbac.v1.RoleRef': 'apiGroup kind name',
  'core.v1.ConfigMap': 'immutable',
  'core.v1.Secret': 'immutable',
  'core.v1.ServiceAccount': 'automountServiceAccountToken',
  'core.v1.NamespaceCondition': 'type status',
  'core.v1.Event': 'reportingComponent reportingInstance',
  'core.v1.ScopedResourceSelectorRequirement': 'scopeName operator',
  'core.v1.LimitRangeItem': 'type',
  'core.v1.PersistentVolumeClaimStatus': 'currentVolumeAttributesClassName',
  'core.v1.PersistentVolumeClaimCondition': 'type status',
  'core.v1.ModifyVolumeStatus': 'status',
  'core.v1.ServiceSpec': 'ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution',
  'core.v1.ServicePort': 'port appProtocol',
  'core.v1.ClientIPConfig': 'timeoutSeconds',
  'core.v1.LoadBalancerIngress': 'ipMode',
  'core.v1.PortStatus': 'port protocol error',
  'core.v1.EndpointAddress': 'ip nodeName',
  'core.v1.EndpointPort': 'port appProtocol',
  'core.v1.TypedLocalObjectReference': 'apiGroup kind name',
  'core.v1.TypedObjectReference': 'apiGroup kind name namespace',
  'core.v1.ObjectFieldSelector': 'fieldPath',
  'core.v1.ResourceFieldSelector': 'resource',
  'core.v1.PodSpec':
    'terminationGracePeriodSeconds activeDeadlineSeconds automountServiceAccountToken priority shareProcessNamespace ' +
    'runtimeClassName enableServiceLinks preemptionPolicy setHostnameAsFQDN hostUsers',
  'core.v1.Container': 'name restartPolicy',
  'core.v1.EphemeralContainerCommon': 'name restartPolicy',
  'core.v1.ContainerPort': 'containerPort',
  'core.v1.ContainerResizePolicy': 'resourceName restartPolicy',
  'core.v1.ResourceClaim': 'name',
  'core.v1.EnvVar': 'name',
  'core.v1.ConfigMapKeySelector': 'key optional',
  'core.v1.SecretKeySelector': 'key optional',
  'core.v1.ConfigMapEnvSource': 'optional',
  'core.v1.SecretEnvSource': 'optional',
  'core.v1.Probe': 'terminationGracePeriodSeconds',
  'core.v1.HTTPHeader': 'name value',
  'core.v1.GRPCAction': 'port service',
  'core.v1.SleepAction': 'seconds',
  'core.v1.SecurityContext': 'privileged runAsUser runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation runAsGroup procMount',
  'core.v1.PodSecurityContext':
    'runAsUser runAsNonRoot fsGroup runAsGroup fsGroupChangePolicy supplementalGroupsPolicy seLinuxChangePolicy',
  'core.v1.WindowsSecurityContextOptions': 'gmsaCredentialSpecName gmsaCredentialSpec runAsUserName hostProcess',
  'core.v1.SeccompProfile': 'type localhostProfile',
  'core.v1.AppArmorProfile': 'type localhostProfile',
  'core.v1.Sysctl': 'name value',
  'core.v1.NodeSelectorRequirement': 'key operator',
  'core.v1.PreferredSchedulingTerm': 'weight',
  'core.v1.PodAffinityTerm': 'topologyKey',
  'core.v1.WeightedPodAffinityTerm': 'weight',
  'core.v1.Toleration': 'tolerationSeconds',
  'core.v1.TopologySpreadConstraint': 'maxSkew topologyKey whenUnsatisfiable minDomains nodeAffinityPolicy nodeTaintsPolicy',
  'core.v1.PodSchedulingGate': 'name',
  'core.v1.PodReadinessGate': 'conditionType',
  'core.v1.PodOS': 'name',
  'core.v1.PodResourceClaim': 'name resourceClaimName resourceClaimTemplateName',
  'core.v1.HostAlias': 'ip',
  'core.v1.PodDNSConfigOption': 'value',
  'core.v1.PodCondition': 'type status',
  'core.v1.PodIP': 'ip',
  'core.v1.HostIP': 'ip',
  'core.v1.PodResourceClaimStatus': 'name resourceClaimName',
  'core.v1.ContainerStatus': 'name ready restartCount image imageID started',
  'core.v1.ContainerStateTerminated': 'exitCode',
  'core.v1.VolumeMountStatus': 'name mountPath recursiveReadOnly',
  'core.v1.LinuxContainerUser': 'uid gid',
  'core.v1.ResourceStatus': 'name',
  'core.v1.ResourceHealth': 'resourceID',
  'core.v1.Volume': 'name',
  'core.v1.HostPathVolumeSource': 'path type',
  'core.v1.SecretVolumeSource': 'defaultMode optional',
  'core.v1.ConfigMapVolumeSource': 'defaultMode optional',
  'core.v1.KeyToPath': 'key path mode',
  'core.v1.NFSVolumeSource': 'server path',
  'core.v1.PersistentVolumeClaimVolumeSource': 'claimName',
  'core.v1.DownwardAPIVolumeSource': 'defaultMode',
  'core.v1.DownwardAPIVolumeFile': 'path mode',
  'core.v1.ProjectedVolumeSource': 'defaultMode',
  'core.v1.SecretProjection': 'optional',
  'core.v1.ConfigMapProjection': 'optional',
  'core.v1.ServiceAccountTokenProjection': 'expirationSeconds path',
  'core.v1.ClusterTrustBundleProjection': 'name signerName path optional',
  'core.v1.CSIVolumeSource': 'driver readOnly fsType',
  'core.v1.PersistentVolumeClaimSpec': 'storageClassName volumeMode volumeAttributesClassName',
  'core.v1.VolumeMount': 'name mountPath mountPropagation recursiveReadOnly',
  'core.v1.VolumeDevice': 'name devicePath',
  'meta.ObjectMeta': 'deletionGracePeriodSeconds',
  'meta.ListMeta': 'remainingItemCount',
  'meta.OwnerReference': 'kind name uid apiVersion controller blockOwnerDeletion',
  'meta.LabelSelectorRequirement': 'key operator',
  'meta.FieldSelectorRequirement': 'key operator',
  'meta.Condition': 'type status reason message',
  'meta.DeleteOptions': 'gracePeriodSeconds orphanDependents propagationPolicy ignoreStoreReadErrorWithClusterBreakingPotential',
  'meta.Preconditions': 'uid resourceVersion',
};

/** Embedded Go structs (`json:",inline"`): their fields sit in the parent's JSON object. */
const INLINE: Record<string, string> = {
  'core.v1.Probe': 'handler',
  'core.v1.Volume': 'volumeSource',
  'core.v1.EphemeralContainer': 'ephemeralContainerCommon',
  'core.v1.ConfigMapKeySelector': 'localObjectReference',
  'core.v1.SecretKeySelector': 'localObjectReference',
  'core.v1.ConfigMapEnvSource': 'localObjectReference',
  'core.v1.SecretEnvSource': 'localObjectReference',
  'core.v1.ConfigMapVolumeSource': 'localObjectReference',
  'core.v1.SecretProjection': 'localObjectReference',
  'core.v1.ConfigMapProjection': 'localObjectReference',
  'networking.v1.IngressRule': 'ingressRuleValue',
};

const fullName = (short: string): string => (short.startsWith('meta.') ? META + short.slice(5) : API + short);

const index = (table: Record<string, string>): ReadonlyMap<string, ReadonlySet<string>> =>
  new Map(Object.entries(table).map(([type, fields]) => [fullName(type), new Set(fields.split(' '))]));

const keepZero = index(KEEP_ZERO);
const inline = index(INLINE);

/** The tables by message full name, for checking them against the loaded schema. */
export const keepZeroFields = (): ReadonlyMap<string, ReadonlySet<string>> => keepZero;
export const inlineFields = (): ReadonlyMap<string, ReadonlySet<string>> => inline;

/** Whether JSON shows this scalar field at its zero value (type is the message's full name, no leading dot). */
export const keepsZero = (type: string, field: string): boolean => keepZero.get(type)?.has(field) ?? false;

/** Whether this message field is embedded inline in its parent's JSON. */
export const isInline = (type: string, field: string): boolean => inline.get(type)?.has(field) ?? false;
