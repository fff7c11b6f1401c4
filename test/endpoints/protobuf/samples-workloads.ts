/**
 * Realistic, fully populated workload objects (apps/v1 ReplicaSet, StatefulSet, DaemonSet;
 * batch/v1 Job, CronJob; autoscaling/v1 and v2 HorizontalPodAutoscaler) in the JSON shape
 * the API stores. As in samples.ts, zero values appear only where kube's JSON keeps them.
 */
import { meta, podSpec, selector, T1, T2, type Obj } from './samples.js';

const template = (labels: Record<string, string>, spec: Obj = podSpec()): Obj => ({ metadata: { labels, annotations: { 'kubectl.kubernetes.io/restartedAt': T2 } }, spec });

const condition = (type: string, status: string, reason: string, message: string): Obj => ({ type, status, lastTransitionTime: T1, reason, message });

const claimTemplates = [
  {
    metadata: { name: 'data', labels: { app: 'web' }, annotations: { 'volume.beta.kubernetes.io/storage-provisioner': 'csi.example.com' } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      storageClassName: 'fast',
      volumeMode: 'Filesystem',
      volumeAttributesClassName: 'gold',
    },
    status: {
      phase: 'Bound',
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '10Gi' },
      conditions: [{ type: 'Resizing', status: 'True', lastProbeTime: T2, lastTransitionTime: T1, reason: 'ExpansionInProgress', message: 'waiting for the driver' }],
      allocatedResources: { storage: '20Gi' },
      allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' },
      currentVolumeAttributesClassName: '',
      modifyVolumeStatus: { targetVolumeAttributesClassName: 'gold', status: 'InProgress' },
    },
  },
  { metadata: { name: 'logs' }, spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
];

const jobSpec = (): Obj => ({
  parallelism: 2,
  completions: 5,
  activeDeadlineSeconds: 600,
  podFailurePolicy: {
    rules: [
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42, 43] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [0] } },
    ],
  },
  successPolicy: { rules: [{ succeededIndexes: '0,2-3', succeededCount: 1 }, { succeededIndexes: '4' }] },
  backoffLimit: 2147483647,
  backoffLimitPerIndex: 1,
  maxFailedIndexes: 0,
  selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': '5f0d2b4e-8c1a-4a57-9b62-0c3f1e2d4a5b' } },
  manualSelector: false,
  template: template({ 'batch.kubernetes.io/job-name': 'report', 'job-name': 'report' }, { ...podSpec(), restartPolicy: 'Never' }),
  ttlSecondsAfterFinished: 0,
  completionMode: 'Indexed',
  suspend: false,
  podReplacementPolicy: 'Failed',
  managedBy: 'kubernetes.io/job-controller',
});

const hpaMetricsV2 = [
  { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
  { type: 'ContainerResource', containerResource: { name: 'memory', container: 'web', target: { type: 'AverageValue', averageValue: '512Mi' } } },
  { type: 'Pods', pods: { metric: { name: 'requests_per_second', selector: { matchLabels: { verb: 'GET' } } }, target: { type: 'AverageValue', averageValue: '1k' } } },
  {
    type: 'Object',
    object: { describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' }, target: { type: 'Value', value: '10k' }, metric: { name: 'requests-per-second' } },
  },
  { type: 'External', external: { metric: { name: 'queue_messages_ready', selector }, target: { type: 'AverageValue', averageValue: '30' } } },
];

/** Sample objects by "apiVersion/kind". */
export const WORKLOAD_SAMPLES: Record<string, Obj> = {
  'apps/v1/ReplicaSet': {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta('web-7d4b9c8f6d', 'default', {
      annotations: { 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'deployment.kubernetes.io/revision': '2' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'a1b2c3d4-0000-4000-8000-000000000003', controller: true, blockOwnerDeletion: true }],
    }),
    spec: { replicas: 0, minReadySeconds: 5, selector, template: template({ app: 'web', tier: 'frontend', 'pod-template-hash': '7d4b9c8f6d' }) },
    status: {
      replicas: 0,
      fullyLabeledReplicas: 3,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 3,
      conditions: [condition('ReplicaFailure', 'True', 'FailedCreate', 'pods "web-7d4b9c8f6d-x" is forbidden: exceeded quota: compute')],
    },
  },
  'apps/v1/StatefulSet': {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta('db', 'default'),
    spec: {
      replicas: 3,
      selector,
      template: template({ app: 'web', tier: 'frontend' }),
      volumeClaimTemplates: claimTemplates,
      serviceName: 'db',
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: '50%' } },
      revisionHistoryLimit: 10,
      minReadySeconds: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      ordinals: { start: 0 },
    },
    status: {
      observedGeneration: 3,
      replicas: 3,
      readyReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 1,
      currentRevision: 'db-6b8f9c7d5',
      updateRevision: 'db-7c9d8e6f4',
      collisionCount: 0,
      conditions: [condition('Ready', 'False', 'PodNotReady', 'db-2 is not ready')],
      availableReplicas: 0,
    },
  },
  'apps/v1/DaemonSet': {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('node-agent', 'kube-system', { annotations: { 'deprecated.daemonset.template.generation': '3' } }),
    spec: {
      selector: { matchLabels: { app: 'node-agent' } },
      template: template({ app: 'node-agent' }),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      minReadySeconds: 30,
      revisionHistoryLimit: 0,
    },
    status: {
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      desiredNumberScheduled: 3,
      numberReady: 2,
      observedGeneration: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 2,
      numberUnavailable: 1,
      collisionCount: 0,
      conditions: [condition('Progressing', 'Unknown', 'Waiting', 'waiting for node-3')],
    },
  },
  'batch/v1/Job': {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('report', 'default', { labels: { 'batch.kubernetes.io/job-name': 'report' } }),
    spec: jobSpec(),
    status: {
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: T2, lastTransitionTime: T2, reason: 'SuccessPolicy', message: 'Matched rules at index 0' },
        { type: 'Complete', status: 'True', lastProbeTime: T2, lastTransitionTime: T2, reason: 'SuccessPolicy' },
      ],
      startTime: T1,
      completionTime: T2,
      active: 1,
      succeeded: 3,
      failed: 1,
      terminating: 0,
      completedIndexes: '0,2-3',
      failedIndexes: '',
      uncountedTerminatedPods: { succeeded: ['a1b2c3d4-0000-4000-8000-00000000000a'], failed: ['a1b2c3d4-0000-4000-8000-00000000000b'] },
      ready: 0,
    },
  },
  'batch/v1/CronJob': {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta('nightly', 'default'),
    spec: {
      schedule: '*/5 * * * *',
      timeZone: 'Etc/UTC',
      startingDeadlineSeconds: 200,
      concurrencyPolicy: 'Forbid',
      suspend: false,
      jobTemplate: { metadata: { labels: { team: 'data' }, annotations: { owner: 'data@example.com' } }, spec: jobSpec() },
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 0,
    },
    status: {
      active: [{ kind: 'Job', namespace: 'default', name: 'nightly-29480000', uid: 'a1b2c3d4-0000-4000-8000-00000000000c', apiVersion: 'batch/v1', resourceVersion: '4242' }],
      lastScheduleTime: T2,
      lastSuccessfulTime: T1,
    },
  },
  'autoscaling/v1/HorizontalPodAutoscaler': {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    // What v1 cannot express travels in annotations, as kube converts it.
    metadata: meta('web', 'default', {
      annotations: {
        'autoscaling.alpha.kubernetes.io/behavior': '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max"}}',
        'autoscaling.alpha.kubernetes.io/conditions': '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-02T03:04:05Z","reason":"ReadyForNewScale"}]',
      },
    }),
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 80 },
    status: { observedGeneration: 2, lastScaleTime: T2, currentReplicas: 3, desiredReplicas: 0, currentCPUUtilizationPercentage: 0 },
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta('web', 'default'),
    spec: {
      scaleTargetRef: { kind: 'StatefulSet', name: 'db', apiVersion: 'apps/v1' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: hpaMetricsV2,
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
        scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Disabled', policies: [{ type: 'Percent', value: 0, periodSeconds: 60 }] },
      },
    },
    status: {
      observedGeneration: 0,
      lastScaleTime: T2,
      currentReplicas: 3,
      desiredReplicas: 4,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '250m', averageUtilization: 0 } } },
        { type: 'ContainerResource', containerResource: { name: 'memory', container: 'web', current: { averageValue: '400Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, current: { averageValue: '900' } } },
        { type: 'Object', object: { metric: { name: 'requests-per-second' }, current: { value: '12k' }, describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' } } },
        { type: 'External', external: { metric: { name: 'queue_messages_ready', selector }, current: { value: '0', averageValue: '25' } } },
      ],
      conditions: [
        condition('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size'),
        { type: 'ScalingLimited', status: 'False', lastTransitionTime: T2, reason: 'DesiredWithinRange' },
      ],
    },
  },
};
