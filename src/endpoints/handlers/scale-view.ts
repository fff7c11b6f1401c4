import { newBadRequest, newConflict } from '../../apimachinery/status-error.js';
import { newInvalid } from '../../apimachinery/invalid.js';
import { invalid } from '../../apimachinery/validation/field-error.js';
import { labelSelectorAsSelector, type LabelSelectorSpec } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../registry/object.js';
import type { ResourceContext } from './context.js';

/* The autoscaling/v1 Scale view of an object with replicas, shared by the /scale writes. */

export const getPath = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

/**
 * Sets `path` ("spec.replicas"), making the objects on the way. One that is
 * there and not an object (an untyped spec holding a string) is the client's
 * data that the path cannot go through: a 400 with kube's words.
 */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  checkSettable(obj, path);
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}

/** kube's SetNestedField refusal when something on the way to `path` is not an object. */
export function checkSettable(obj: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  let o: unknown = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    o = (o as Record<string, unknown>)[keys[i]!];
    if (o === undefined) return;
    if (o === null || typeof o !== 'object' || Array.isArray(o)) {
      throw newBadRequest(`value cannot be set because .${keys.slice(0, i + 1).join('.')} is not a map[string]interface{}`);
    }
  }
}

/** kube's answer when a Scale write leaves replicas unset on an object that had none (a custom resource). */
export const replicasCannotBeEmpty = (specReplicasPath: string) => newBadRequest(`the spec replicas field ".${specReplicasPath}" cannot be empty`);

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

