/**
 * kube's ValidatePod, ValidatePodUpdate and ValidatePodStatusUpdate (1.32)
 * for what clients commonly send: containers (names, images, ports, pull and
 * termination-message policies, env (names, valueFrom, envFrom), and through pod-spec-rules their
 * resources, security contexts, hooks and probes), volumes (names and sources) and their mounts, the spec's enums
 * and names, and the update rule that only images, activeDeadlineSeconds,
 * tolerations (additions) and a negative grace period may change.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../../apimachinery/validation/names.js';
import { validateLabels } from '../../../apimachinery/validation/labels.js';
import { isValidIP, isValidPortName, isValidPortNum, validateProtocol } from './network.js';
import { validateEnv } from './container-env.js';
import { validateEnvFrom } from './env-value-from.js';
import { validateVolumes } from './volume-sources.js';
import { validateMountOptions, validateVolumeDevices } from './volume-mounts.js';
import {
  podContextOf,
  validateContainerCommonRules,
  validateInitContainerRules,
  validatePodSpecRules,
  validateRegularContainerRules,
  type PodContext,
} from './pod-spec-rules.js';
import { isRecord, jsonEqual, numberOf, recordsOf, stringMapOf, stringOf, type JsonObject } from './values.js';

const SPEC = FieldPath.of('spec');
const MAX_INT32 = 2147483647;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

const dnsLabel = (value: string, path: FieldPath): field.FieldError[] =>
  isDNS1123Label(value).map((msg) => field.invalid(path, value, msg));
const dnsSubdomain = (value: string, path: FieldPath): field.FieldError[] =>
  isDNS1123Subdomain(value).map((msg) => field.invalid(path, value, msg));

function validateContainerPorts(ports: JsonObject[], path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.index(i);
    const name = stringOf(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((msg) => field.invalid(p.child('name'), name, msg)));
      else if (names.has(name)) errs.push(field.duplicate(p.child('name'), name));
      else names.add(name);
    }
    const containerPort = numberOf(port.containerPort);
    if (containerPort === 0) errs.push(field.required(p.child('containerPort')));
    else errs.push(...isValidPortNum(containerPort).map((msg) => field.invalid(p.child('containerPort'), containerPort, msg)));
    const hostPort = numberOf(port.hostPort);
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((msg) => field.invalid(p.child('hostPort'), hostPort, msg)));
    errs.push(...validateProtocol(port.protocol, p.child('protocol')));
  });
  return errs;
}

function validateContainer(c: JsonObject, path: FieldPath, names: Set<string>, volumes: Set<string>, pod: PodContext): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const name = stringOf(c.name);
  if (!name) errs.push(field.required(path.child('name')));
  else {
    errs.push(...dnsLabel(name, path.child('name')));
    if (names.has(name)) errs.push(field.duplicate(path.child('name'), name));
    names.add(name);
  }
  const image = stringOf(c.image);
  if (!image) errs.push(field.required(path.child('image')));
  else if (image !== image.trim()) errs.push(field.invalid(path.child('image'), image, 'must not have leading or trailing whitespace'));
  const pull = stringOf(c.imagePullPolicy);
  if (!pull) errs.push(field.required(path.child('imagePullPolicy')));
  else if (!PULL_POLICIES.includes(pull)) errs.push(field.notSupported(path.child('imagePullPolicy'), pull, PULL_POLICIES));
  const tmp = stringOf(c.terminationMessagePolicy);
  if (!tmp) errs.push(field.required(path.child('terminationMessagePolicy')));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) {
    errs.push(field.notSupported(path.child('terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  }
  errs.push(...validateContainerPorts(recordsOf(c.ports), path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom')));
  const mountPaths = new Set<string>();
  recordsOf(c.volumeMounts).forEach((m, i) => {
    const p = path.child('volumeMounts').index(i);
    const mountName = stringOf(m.name);
    if (!mountName) errs.push(field.required(p.child('name')));
    else if (!volumes.has(mountName)) errs.push(field.notFound(p.child('name'), mountName));
    const mountPath = stringOf(m.mountPath);
    if (!mountPath) errs.push(field.required(p.child('mountPath')));
    if (mountPaths.has(mountPath)) errs.push(field.invalid(p.child('mountPath'), mountPath, 'must be unique'));
    mountPaths.add(mountPath);
    errs.push(...validateMountOptions(m, c, path.child('volumeMounts'), p));
  });
  errs.push(...validateVolumeDevices(c, volumes, pod.blockVolumes, path.child('volumeDevices')));
  errs.push(...validateContainerCommonRules(c, pod, path));
  return errs;
}

function validateEnum(value: unknown, valid: string[], path: FieldPath): field.FieldError[] {
  const s = stringOf(value);
  if (!s) return [field.required(path)];
  return valid.includes(s) ? [] : [field.notSupported(path, s, valid)];
}

export function validatePodSpec(spec: JsonObject): field.FieldError[] {
  const { errs, names: volumes } = validateVolumes(spec.volumes, SPEC.child('volumes'));
  const containerNames = new Set<string>();
  const pod = podContextOf(spec);
  recordsOf(spec.initContainers).forEach((c, i) => {
    const p = SPEC.child('initContainers').index(i);
    errs.push(...validateContainer(c, p, containerNames, volumes, pod), ...validateInitContainerRules(c, pod, p));
  });
  const containers = recordsOf(spec.containers);
  if (containers.length === 0) errs.push(field.required(SPEC.child('containers')));
  containers.forEach((c, i) => {
    const p = SPEC.child('containers').index(i);
    errs.push(...validateContainer(c, p, containerNames, volumes, pod), ...validateRegularContainerRules(c, pod, p));
  });
  errs.push(...validatePodSpecRules(spec, SPEC));
  errs.push(...validateEnum(spec.restartPolicy, RESTART_POLICIES, SPEC.child('restartPolicy')));
  errs.push(...validateEnum(spec.dnsPolicy, DNS_POLICIES, SPEC.child('dnsPolicy')));
  if (isRecord(spec.nodeSelector)) errs.push(...validateLabels(stringMapOf(spec.nodeSelector), SPEC.child('nodeSelector')));
  for (const key of ['serviceAccountName', 'nodeName'] as const) {
    const value = stringOf(spec[key]);
    if (value) errs.push(...dnsSubdomain(value, SPEC.child(key)));
  }
  for (const key of ['hostname', 'subdomain'] as const) {
    const value = stringOf(spec[key]);
    if (value) errs.push(...dnsLabel(value, SPEC.child(key)));
  }
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && (typeof deadline !== 'number' || deadline < 1 || deadline > MAX_INT32)) {
    errs.push(field.invalid(SPEC.child('activeDeadlineSeconds'), deadline, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  return errs;
}

export const specOf = (obj: { spec?: unknown }): JsonObject => (isRecord(obj.spec) ? obj.spec : {});

export const validatePod = (pod: { spec?: unknown }): field.FieldError[] => validatePodSpec(specOf(pod));

const UPDATABLE_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** Existing tolerations stay; only their tolerationSeconds may differ. */
function validateOnlyAddedTolerations(next: JsonObject[], prev: JsonObject[]): field.FieldError[] {
  const withoutSeconds = (t: JsonObject): JsonObject => {
    const { tolerationSeconds: _s, ...rest } = t;
    return rest;
  };
  for (const old of prev) {
    if (!next.some((t) => jsonEqual(withoutSeconds(t), withoutSeconds(old)))) {
      return [field.forbidden(SPEC.child('tolerations'), 'existing toleration can not be modified except its tolerationSeconds')];
    }
  }
  return [];
}

/** Not Go's cmp.Diff, but the same idea: which spec fields differ, old then new. */
function specDiff(prev: JsonObject, next: JsonObject): string {
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort();
  return keys
    .filter((k) => !jsonEqual(prev[k], next[k]))
    .map((k) => `  spec.${k}:\n-   ${JSON.stringify(prev[k] ?? null)}\n+   ${JSON.stringify(next[k] ?? null)}`)
    .join('\n');
}

function validateDeadlineUpdate(next: unknown, prev: unknown): field.FieldError[] {
  const path = SPEC.child('activeDeadlineSeconds');
  if (next !== undefined && next !== null) {
    if (typeof next !== 'number' || next < 0 || next > MAX_INT32) {
      return [field.invalid(path, next, `must be between 0 and ${MAX_INT32}, inclusive`)];
    }
    if (typeof prev === 'number' && prev < next) return [field.invalid(path, next, 'must be less than or equal to previous value')];
  } else if (prev !== undefined && prev !== null) {
    return [field.invalid(path, null, 'must not update from a positive integer to nil value')];
  }
  return [];
}

export function validatePodUpdate(pod: { spec?: unknown }, old: { spec?: unknown }): field.FieldError[] {
  const spec = specOf(pod);
  const oldSpec = specOf(old);
  const errs = validatePodSpec(spec);
  const containers = recordsOf(spec.containers);
  const oldContainers = recordsOf(oldSpec.containers);
  if (containers.length !== oldContainers.length) {
    return [...errs, field.forbidden(SPEC.child('containers'), 'pod updates may not add or remove containers')];
  }
  errs.push(...validateDeadlineUpdate(spec.activeDeadlineSeconds, oldSpec.activeDeadlineSeconds));
  errs.push(...validateOnlyAddedTolerations(recordsOf(spec.tolerations), recordsOf(oldSpec.tolerations)));
  if (jsonEqual(spec, oldSpec)) return errs;
  // Put back what may change, then anything still different is forbidden.
  const munged = structuredClone(spec);
  for (const key of ['containers', 'initContainers'] as const) {
    const olds = recordsOf(oldSpec[key]);
    recordsOf(munged[key]).forEach((c, i) => {
      if (i < olds.length) c.image = olds[i].image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  const grace = oldSpec.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = grace;
  munged.tolerations = oldSpec.tolerations;
  if (!jsonEqual(munged, oldSpec)) {
    errs.push(
      field.forbidden(SPEC, `pod updates may not change fields other than ${UPDATABLE_FIELDS.join(',')}\n${specDiff(oldSpec, munged)}`),
    );
  }
  return errs;
}

/** /status: the pod's addresses are IPs, listed once each. */
export function validatePodStatus(pod: { status?: unknown }): field.FieldError[] {
  const status = isRecord(pod.status) ? pod.status : {};
  const errs: field.FieldError[] = [];
  for (const key of ['podIPs', 'hostIPs'] as const) {
    const seen = new Set<string>();
    recordsOf(status[key]).forEach((entry, i) => {
      const path = FieldPath.of('status', key).index(i).child('ip');
      const ip = stringOf(entry.ip);
      errs.push(...isValidIP(ip).map((msg) => field.invalid(path, ip, msg)));
      if (seen.has(ip)) errs.push(field.duplicate(path, ip));
      seen.add(ip);
    });
  }
  const nominated = stringOf(status.nominatedNodeName);
  if (nominated) errs.push(...dnsSubdomain(nominated, FieldPath.of('status', 'nominatedNodeName')));
  return errs;
}
