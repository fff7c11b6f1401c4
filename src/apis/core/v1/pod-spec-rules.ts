/**
 * The parts of kube's ValidatePodSpec that Pods (core/v1 pod-validation) and
 * pod templates (apps/v1 pod-template-validation, used by every workload)
 * share beyond names, ports and volumes: per-container resources, security
 * contexts, hooks, probes and restart policies, and the pod-level security
 * context and host-port conflicts. Each caller passes its own spec path.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { checkHostPortConflicts } from './container-env.js';
import { forbidLifecycleAndProbes, validateLifecycleAndProbes } from './container-probes.js';
import { validateContainerResources } from './container-resources.js';
import { validateContainerSecurityContext, validatePodSecurityContext } from './security-context.js';
import { isRecord, recordsOf, type JsonObject } from './values.js';

/** What container checks need from the pod around them. */
export interface PodContext {
  /** spec.terminationGracePeriodSeconds (a sleep hook must fit in it). */
  readonly gracePeriod: number | undefined;
  /** The pod shares the host's user namespace unless spec.hostUsers is false. */
  readonly hostUsers: boolean;
  /** Names of the volumes backed by a claim (persistentVolumeClaim or ephemeral): only these may be block devices. */
  readonly blockVolumes: ReadonlySet<string>;
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const isClaimBacked = (v: JsonObject): boolean => isSet(v.persistentVolumeClaim) || isSet(v.ephemeral);

export const podContextOf = (spec: JsonObject): PodContext => ({
  gracePeriod: typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : undefined,
  hostUsers: spec.hostUsers !== false,
  blockVolumes: new Set(recordsOf(spec.volumes).filter(isClaimBacked).map((v) => (typeof v.name === 'string' ? v.name : ''))),
});


/** The tail of kube's validateContainerCommon: resources, then the security context. */
export function validateContainerCommonRules(c: JsonObject, pod: PodContext, path: FieldPath): field.FieldError[] {
  return [
    ...validateContainerResources(c.resources, path.child('resources')),
    ...validateContainerSecurityContext(c.securityContext, pod.hostUsers, path.child('securityContext')),
  ];
}

/** What kube's validateContainers adds for a regular container. */
export function validateRegularContainerRules(c: JsonObject, pod: PodContext, path: FieldPath): field.FieldError[] {
  const errs = validateLifecycleAndProbes(c, pod.gracePeriod, path);
  if (isSet(c.restartPolicy)) errs.push(field.forbidden(path.child('restartPolicy'), 'may not be set for non-init containers'));
  return errs;
}

/** What kube's validateInitContainers adds: restartPolicy Always makes a sidecar, which may have hooks and probes. */
export function validateInitContainerRules(c: JsonObject, pod: PodContext, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  let sidecar = false;
  if (isSet(c.restartPolicy)) {
    sidecar = c.restartPolicy === 'Always';
    if (!sidecar) errs.push(field.notSupported(path.child('restartPolicy'), c.restartPolicy, ['Always']));
  }
  errs.push(...(sidecar ? validateLifecycleAndProbes(c, pod.gracePeriod, path) : forbidLifecycleAndProbes(c, path)));
  return errs;
}

/**
 * Pod-level rules: host ports unique across the regular containers and within
 * each init container (they run one at a time), and the pod security context.
 */
export function validatePodSpecRules(spec: JsonObject, specPath: FieldPath): field.FieldError[] {
  const all = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map((c) => (isRecord(c) ? c : {})) : []);
  const errs = checkHostPortConflicts(all(spec.containers), specPath.child('containers'));
  // Like kube, each init container is checked alone, so its ports report as initContainers[0].
  for (const c of all(spec.initContainers)) errs.push(...checkHostPortConflicts([c], specPath.child('initContainers')));
  errs.push(...validatePodSecurityContext(spec, specPath));
  return errs;
}
