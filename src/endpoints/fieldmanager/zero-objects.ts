import type { KubeObject } from '../../registry/object.js';
import type { ResourceDefinition } from '../../registry/resource-definition.js';
import type { MergeType } from '../../apimachinery/managedfields/merge-type.js';

/**
 * What a create is compared against: kube compares with a new, empty Go
 * object of the kind, whose JSON already holds its non-pointer structs
 * (metadata, spec, status, a pod template, a deployment's strategy) and its
 * nil slices. A field that is already there in that shape is not "added" by
 * the create, so the creator owns its members but not the field itself
 * (no "." entry): `f:spec` never has one, `f:data` of a ConfigMap does.
 * Custom resources start from an empty object.
 */
const POD_TEMPLATE = (): Record<string, unknown> => ({ metadata: {}, spec: { containers: null } });

const BY_KIND: Readonly<Record<string, () => Record<string, unknown>>> = {
  'apps/Deployment': () => ({ spec: { selector: null, template: POD_TEMPLATE(), strategy: {} }, status: {} }),
  'apps/ReplicaSet': () => ({ spec: { selector: null, template: POD_TEMPLATE() }, status: { replicas: 0 } }),
  'apps/StatefulSet': () => ({ spec: { selector: null, template: POD_TEMPLATE(), serviceName: '', updateStrategy: {} }, status: { replicas: 0 } }),
  'apps/DaemonSet': () => ({
    spec: { selector: null, template: POD_TEMPLATE(), updateStrategy: {} },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  }),
  'batch/Job': () => ({ spec: { template: POD_TEMPLATE() }, status: {} }),
  'batch/CronJob': () => ({ spec: { schedule: '', jobTemplate: { metadata: {}, spec: { template: POD_TEMPLATE() } } }, status: {} }),
  '/Pod': () => ({ spec: { containers: null }, status: {} }),
  '/PodTemplate': () => ({ template: POD_TEMPLATE() }),
  '/ReplicationController': () => ({ spec: {}, status: { replicas: 0 } }),
  '/Service': () => ({ spec: {}, status: { loadBalancer: {} } }),
};

export function zeroObjectOf(def: ResourceDefinition, type: MergeType): KubeObject {
  if (def.openAPIModels) return {} as KubeObject;
  const { group, kind } = def.info;
  const shape = BY_KIND[`${group}/${kind}`];
  if (shape) return { metadata: {}, ...shape() } as KubeObject;
  // Most built-in kinds: spec and status, when the kind has them, are non-pointer structs.
  const out: Record<string, unknown> = { metadata: {} };
  for (const f of ['spec', 'status']) if (type.kind === 'struct' && type.field(f)?.kind === 'struct') out[f] = {};
  return out as KubeObject;
}
