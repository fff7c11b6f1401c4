/**
 * core/v1 pods: kube's pod defaults, the pod strategy (status Pending and the
 * QoS class on create), the admission defaults a pod gets on create,
 * ValidatePod*, the pod printer and the pod's selectable fields, as one
 * ResourceDefinition. Stored only: nothing schedules or runs them.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { CREATION_TIMESTAMP_DESCRIPTION, stringColumn, translateTimestampSince } from './table-helpers.js';
import { admitNewPod, defaultPodSpec } from './pod-defaults.js';
import { podQOSClass } from './pod-qos.js';
import { specOf, validatePod, validatePodStatus, validatePodUpdate } from './pod-validation.js';
import { podIPCell, readinessGatesCell, summarizePod } from './pod-table.js';
import { isRecord, objectAt, recordsOf, stringOf, type JsonObject } from './values.js';

export interface Pod extends KubeObject {
  spec?: JsonObject | null;
  status?: JsonObject | null;
}

const statusOf = (pod: Pod): JsonObject => (isRecord(pod.status) ? pod.status : {});

/** kube's v1 conversion keeps podIP/podIPs (and hostIP/hostIPs) in step: the singular is the plural's first. */
function syncAddresses(status: JsonObject): void {
  for (const [one, many] of [['podIP', 'podIPs'], ['hostIP', 'hostIPs']] as const) {
    const list = recordsOf(status[many]);
    if (list.length === 0 && stringOf(status[one])) status[many] = [{ ip: status[one] }];
    else if (list.length > 0) status[one] = stringOf(list[0].ip);
  }
}

export const podStrategy: Strategy<Pod> = {
  defaults(pod) {
    defaultPodSpec(objectAt(pod as JsonObject, 'spec'));
  },
  prepareForCreate(pod) {
    admitNewPod(objectAt(pod as JsonObject, 'spec'));
    pod.status = { phase: 'Pending', qosClass: podQOSClass(specOf(pod)) };
  },
  validate: validatePod,
  validateUpdate: validatePodUpdate,
};

export const podStatusStrategy: Strategy<Pod> = {
  prepareForUpdate(pod) {
    if (isRecord(pod.status)) syncAddresses(pod.status);
  },
  validateUpdate: validatePodStatus,
};

/** kube's pod ToSelectableFields (hostNetwork is a string, "false" when unset). */
export function podFieldLabels(pod: Pod): Record<string, string> {
  const spec = specOf(pod);
  const status = statusOf(pod);
  return {
    'spec.nodeName': stringOf(spec.nodeName),
    'spec.restartPolicy': stringOf(spec.restartPolicy),
    'spec.schedulerName': stringOf(spec.schedulerName),
    'spec.serviceAccountName': stringOf(spec.serviceAccountName),
    'spec.hostNetwork': String(spec.hostNetwork === true),
    'status.phase': stringOf(status.phase),
    'status.podIP': stringOf(recordsOf(status.podIPs)[0]?.ip) || stringOf(status.podIP),
    'status.nominatedNodeName': stringOf(status.nominatedNodeName),
  };
}

export const pods: ResourceDefinition<Pod> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: podStrategy,
  generation: 'none',
  status: { strategy: podStatusStrategy },
  tableColumns: [
    stringColumn('Ready', 'The aggregate readiness state of this pod for accepting traffic.', (p, now) => summarizePod(p, now).ready),
    stringColumn('Status', 'The aggregate status of the containers in this pod.', (p, now) => summarizePod(p, now).reason),
    stringColumn(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      (p, now) => summarizePod(p, now).restarts,
    ),
    stringColumn('Age', CREATION_TIMESTAMP_DESCRIPTION, (p, now) => translateTimestampSince(p.metadata?.creationTimestamp, now)),
    stringColumn('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', podIPCell, 1),
    stringColumn(
      'Node',
      'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.',
      (p) => stringOf(specOf(p).nodeName) || '<none>',
      1,
    ),
    stringColumn(
      'Nominated Node',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
      (p) => stringOf(statusOf(p).nominatedNodeName) || '<none>',
      1,
    ),
    stringColumn(
      'Readiness Gates',
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True"',
      readinessGatesCell,
      1,
    ),
  ],
  fieldLabels: podFieldLabels,
  returnDeletedObject: true,
};
