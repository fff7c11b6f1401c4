import { newConflict } from '../../apimachinery/status-error.js';
import { newInvalid } from '../../apimachinery/invalid.js';
import { invalid } from '../../apimachinery/validation/field-error.js';
import { labelSelectorAsSelector, type LabelSelectorSpec } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../registry/object.js';
import type { ResourceContext } from './context.js';

/* The autoscaling/v1 Scale view of an object with replicas, shared by the /scale writes. */

export const getPath = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}

/** The autoscaling/v1 Scale view of an object with replicas (kube's scale subresource). */
export function toScale(ctx: ResourceContext, obj: KubeObject): KubeObject {
  const scale = ctx.def.scale!;
  const m = obj.metadata ?? {};
  const selector = scale.labelSelectorPath ? getPath(obj, scale.labelSelectorPath) : undefined;
  const selectorText =
    typeof selector === 'string' ? selector : selector ? labelSelectorAsSelector(selector as LabelSelectorSpec).toString() : undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: (getPath(obj, scale.specReplicasPath) as number | undefined) ?? 0 },
    status: { replicas: (getPath(obj, scale.statusReplicasPath) as number | undefined) ?? 0, ...(selectorText ? { selector: selectorText } : {}) },
  };
}

/** kube's Scale validation: spec.replicas a whole number, not negative. */
export function checkReplicas(replicas: unknown, name: string): asserts replicas is number {
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw newInvalid({ group: 'autoscaling', kind: 'Scale' }, name, [invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')]);
  }
}

/** A Scale's resourceVersion, when the client sent one, must be the object's (an optimistic write). */
export function checkScaleVersion(ctx: ResourceContext, wanted: KubeObject, current: KubeObject, name: string): void {
  const rv = wanted.metadata?.resourceVersion;
  if (rv && rv !== current.metadata?.resourceVersion) {
    throw newConflict({ group: ctx.def.info.group, resource: ctx.def.info.resource }, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }
}

