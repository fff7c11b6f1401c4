/**
 * core/v1 defaulting as it applies inside a pod template (kube's
 * SetDefaults_PodSpec, _Container, _ContainerPort, _Probe, _HTTPGetAction,
 * _ObjectFieldSelector and the volume-source modes). SetDefaults_Pod's extras
 * (enableServiceLinks, requests from limits) are for Pods only, not templates.
 */
import { defaultVolume } from '../../core/v1/volume-defaults.js';
import { isRecord, listOf, type Container, type PodSpec, type PodTemplateSpec, type Probe } from './types.js';

const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
const TERMINATION_MESSAGE_PATH_DEFAULT = '/dev/termination-log';

/**
 * The tag kube's parsers.ParseImageName finds: the part after the last ':' of
 * the last path segment, "latest" when there is neither tag nor digest.
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSegment = named.slice(named.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : '';
  return tag === '' && at < 0 ? 'latest' : tag;
}

function defaultProbe(probe: Probe | undefined): void {
  if (!isRecord(probe)) return;
  probe.timeoutSeconds ||= 1;
  probe.periodSeconds ||= 10;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  if (isRecord(probe.httpGet)) {
    probe.httpGet.path ||= '/';
    probe.httpGet.scheme ||= 'HTTP';
  }
}

function defaultContainer(c: Container, hostNetwork: boolean): void {
  if (!isRecord(c)) return;
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= TERMINATION_MESSAGE_PATH_DEFAULT;
  c.terminationMessagePolicy ||= 'File';
  // Go always serializes the (non-pointer) resources struct, so kube shows `resources: {}`.
  if (c.resources === undefined) c.resources = {};
  for (const port of listOf(c.ports)) {
    if (!isRecord(port)) continue;
    port.protocol ||= 'TCP';
    if (hostNetwork && !port.hostPort) port.hostPort = port.containerPort;
  }
  for (const env of listOf(c.env)) {
    const fieldRef = isRecord(env) && isRecord(env.valueFrom) ? env.valueFrom.fieldRef : undefined;
    if (isRecord(fieldRef)) fieldRef.apiVersion ||= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  // SetDefaults_HTTPGetAction covers lifecycle hooks too.
  const lifecycle = c.lifecycle;
  if (isRecord(lifecycle)) {
    for (const hook of [lifecycle.postStart, lifecycle.preStop]) {
      if (isRecord(hook) && isRecord(hook.httpGet)) {
        hook.httpGet.path ||= '/';
        hook.httpGet.scheme ||= 'HTTP';
      }
    }
  }
}

/** core/v1 volume-defaults: an emptyDir when no source, modes, host path type, token lifetime, fieldRef apiVersion. */
function defaultVolumes(spec: PodSpec): void {
  for (const vol of listOf(spec.volumes)) if (isRecord(vol)) defaultVolume(vol);
}

/** Fills a pod template's defaults in place. */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (!isRecord(template) || !isRecord(template.spec)) return;
  const spec = template.spec;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  }
  spec.schedulerName ||= DEFAULT_SCHEDULER_NAME;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of listOf<Container>(spec.containers)) defaultContainer(c, hostNetwork);
  for (const c of listOf<Container>(spec.initContainers)) defaultContainer(c, hostNetwork);
  defaultVolumes(spec);
}
