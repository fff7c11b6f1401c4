/**
 * The part of kube's core validation (ValidatePodTemplateSpec, ValidatePodSpec,
 * validateContainers) that a Deployment's template needs for kube's common
 * errors, with kube's paths and messages: containers, volume names and the
 * volume mounts that must name them, and (core/v1 pod-spec-rules, shared with
 * Pods) volume sources, env sources, resources, security contexts, hooks,
 * probes and host ports. Affinity and the rest of the pod spec are stored as given.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { validateLabels } from '../../../apimachinery/validation/labels.js';
import { validateAnnotations } from '../../../apimachinery/validation/metadata-fields.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../../apimachinery/validation/names.js';
import { validateEnv } from '../../core/v1/container-env.js';
import { validateEnvFrom } from '../../core/v1/env-value-from.js';
import { validateVolumes } from '../../core/v1/volume-sources.js';
import { validateMountOptions, validateVolumeDevices } from '../../core/v1/volume-mounts.js';
import {
  podContextOf,
  validateContainerCommonRules,
  validateInitContainerRules,
  validatePodSpecRules,
  validateRegularContainerRules,
  type PodContext,
} from '../../core/v1/pod-spec-rules.js';
import { isRecord, listOf, type Container, type ContainerPort, type PodSpec, type PodTemplateSpec } from './types.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
// kube lists these two from sorted sets.
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const MAX_INT32 = 2147483647;
const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

/** kube's IsValidPortName. */
function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

const isValidPortNum = (port: number): string[] => (port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)]);

function validateContainerPorts(ports: readonly ContainerPort[], path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.index(i);
    if (!isRecord(port)) return;
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((m) => field.invalid(p.child('name'), name, m)));
      else if (names.has(name)) errs.push(field.duplicate(p.child('name'), name));
      else names.add(name);
    }
    const containerPort = typeof port.containerPort === 'number' ? port.containerPort : 0;
    if (containerPort === 0) errs.push(field.required(p.child('containerPort')));
    else errs.push(...isValidPortNum(containerPort).map((m) => field.invalid(p.child('containerPort'), containerPort, m)));
    const hostPort = typeof port.hostPort === 'number' ? port.hostPort : 0;
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => field.invalid(p.child('hostPort'), hostPort, m)));
    const protocol = str(port.protocol);
    if (!protocol) errs.push(field.required(p.child('protocol')));
    else if (!PORT_PROTOCOLS.includes(protocol)) errs.push(field.notSupported(p.child('protocol'), protocol, PORT_PROTOCOLS));
  });
  return errs;
}

function validateEnum(value: unknown, path: FieldPath, allowed: readonly string[]): field.FieldError[] {
  const v = str(value);
  if (!v) return [field.required(path)];
  return allowed.includes(v) ? [] : [field.notSupported(path, v, allowed)];
}

/** kube's ValidateVolumeMounts: a name that is a volume of the pod, a mount path, each path once, and the mount's options. */
function validateVolumeMounts(mounts: readonly unknown[], volumes: ReadonlySet<string>, c: Container, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const paths = new Set<string>();
  mounts.forEach((m, i) => {
    const p = path.index(i);
    const mount = isRecord(m) ? m : {};
    const name = str(mount.name);
    if (!name) errs.push(field.required(p.child('name')));
    if (!volumes.has(name)) errs.push(field.notFound(p.child('name'), name));
    const mountPath = str(mount.mountPath);
    if (!mountPath) errs.push(field.required(p.child('mountPath')));
    if (paths.has(mountPath)) errs.push(field.invalid(p.child('mountPath'), mountPath, 'must be unique'));
    paths.add(mountPath);
    errs.push(...validateMountOptions(mount, isRecord(c) ? c : {}, path, p));
  });
  return errs;
}

/** kube's validateContainerCommon: what every container kind must satisfy. */
function validateContainerCommon(c: Container, volumes: ReadonlySet<string>, pod: PodContext, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(field.required(path.child('name')));
  else errs.push(...isDNS1123Label(name).map((m) => field.invalid(path.child('name'), name, m)));
  if (!str(c.image)) errs.push(field.required(path.child('image')));
  errs.push(...validateEnum(c.terminationMessagePolicy, path.child('terminationMessagePolicy'), TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(listOf(c.ports), path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom')));
  errs.push(...validateVolumeMounts(listOf(c.volumeMounts), volumes, c, path.child('volumeMounts')));
  errs.push(...validateVolumeDevices(c, volumes, pod.blockVolumes, path.child('volumeDevices')));
  errs.push(...validateEnum(c.imagePullPolicy, path.child('imagePullPolicy'), PULL_POLICIES));
  errs.push(...validateContainerCommonRules(c, pod, path));
  return errs;
}

function validateContainers(containers: readonly Container[], volumes: ReadonlySet<string>, pod: PodContext, path: FieldPath): field.FieldError[] {
  if (containers.length === 0) return [field.required(path)];
  const errs: field.FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = path.index(i);
    const ctr = isRecord(c) ? c : {};
    errs.push(...validateContainerCommon(ctr, volumes, pod, p));
    const name = str(ctr.name);
    if (names.has(name)) errs.push(field.duplicate(p.child('name'), name));
    else names.add(name);
    errs.push(...validateRegularContainerRules(ctr, pod, p));
  });
  return errs;
}

/** Init containers: the common checks, and names unique across both lists. */
function validateInitContainers(
  inits: readonly Container[],
  regular: readonly Container[],
  volumes: ReadonlySet<string>,
  pod: PodContext,
  path: FieldPath,
): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const names = new Set(regular.map((c) => (isRecord(c) ? str(c.name) : '')));
  inits.forEach((c, i) => {
    const p = path.index(i);
    const ctr = isRecord(c) ? c : {};
    errs.push(...validateContainerCommon(ctr, volumes, pod, p));
    const name = str(ctr.name);
    if (names.has(name)) errs.push(field.duplicate(p.child('name'), name));
    if (name) names.add(name);
    errs.push(...validateInitContainerRules(ctr, pod, p));
  });
  return errs;
}

function validatePodSpec(spec: PodSpec, path: FieldPath): field.FieldError[] {
  const containers = listOf<Container>(spec.containers);
  const volumes = validateVolumes(spec.volumes, path.child('volumes'));
  const pod = podContextOf(spec);
  const errs = [
    ...volumes.errs,
    ...validateContainers(containers, volumes.names, pod, path.child('containers')),
    ...validateInitContainers(listOf<Container>(spec.initContainers), containers, volumes.names, pod, path.child('initContainers')),
    ...validatePodSpecRules(spec, path),
    ...validateEnum(spec.restartPolicy, path.child('restartPolicy'), RESTART_POLICIES),
    ...validateEnum(spec.dnsPolicy, path.child('dnsPolicy'), DNS_POLICIES),
    ...validateLabels(isRecord(spec.nodeSelector) ? (spec.nodeSelector as Record<string, string>) : undefined, path.child('nodeSelector')),
  ];
  const sa = str(spec.serviceAccountName);
  if (sa) errs.push(...isDNS1123Subdomain(sa).map((m) => field.invalid(path.child('serviceAccountName'), sa, m)));
  const deadline = spec.activeDeadlineSeconds;
  if (typeof deadline === 'number' && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(field.invalid(path.child('activeDeadlineSeconds'), deadline, inclusiveRangeError(1, MAX_INT32)));
  }
  return errs;
}

/**
 * kube's ValidatePodTemplateSpec. Note kube's paths for the template's labels
 * and annotations: `<path>.labels`, not `<path>.metadata.labels`.
 */
export function validatePodTemplateSpec(template: PodTemplateSpec, path: FieldPath): field.FieldError[] {
  const meta = isRecord(template.metadata) ? template.metadata : {};
  const spec = isRecord(template.spec) ? template.spec : {};
  const errs = [
    ...validateLabels(meta.labels, path.child('labels')),
    ...validateAnnotations(meta.annotations, path.child('annotations')),
    ...validatePodSpec(spec, path.child('spec')),
  ];
  if (listOf(spec.ephemeralContainers).length > 0) {
    errs.push(field.forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
