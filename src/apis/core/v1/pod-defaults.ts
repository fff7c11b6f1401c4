/**
 * kube's core/v1 defaults for a pod (SetDefaults_Pod, _PodSpec, _Container,
 * probes, volumes, ports) and what the default admission chain adds on
 * create (Priority: priority 0 and PreemptLowerPriority; DefaultTolerationSeconds:
 * tolerate not-ready and unreachable nodes for 300s).
 */
import { isRecord, objectAt, recordsOf, stringOf, type JsonObject } from './values.js';
import { defaultEnvFieldRefs, defaultVolume } from './volume-defaults.js';

const absent = (v: unknown): boolean => v === undefined || v === null;

/** Always for ":latest" or an untagged image (a digest counts as a tag), else IfNotPresent. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon === -1) return 'Always';
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** SetDefaults_HTTPGetAction, for probes and lifecycle hooks alike. */
function defaultHTTPGet(handler: unknown): void {
  if (!isRecord(handler) || !isRecord(handler.httpGet)) return;
  if (!handler.httpGet.scheme) handler.httpGet.scheme = 'HTTP';
  if (!handler.httpGet.path) handler.httpGet.path = '/';
}

/** SetDefaults_Probe: kube fills zero values too, so 0 reads as unset. */
function defaultProbe(probe: unknown): void {
  if (!isRecord(probe)) return;
  probe.timeoutSeconds ||= 1;
  probe.periodSeconds ||= 10;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  defaultHTTPGet(probe);
  if (isRecord(probe.grpc) && absent(probe.grpc.service)) probe.grpc.service = '';
}

function defaultContainer(c: JsonObject): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(stringOf(c.image));
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const port of recordsOf(c.ports)) if (!port.protocol) port.protocol = 'TCP';
  defaultEnvFieldRefs(c);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isRecord(c.lifecycle)) for (const hook of [c.lifecycle.postStart, c.lifecycle.preStop]) defaultHTTPGet(hook);
  // Limits without requests request the limits (SetDefaults_Pod).
  if (isRecord(c.resources) && isRecord(c.resources.limits)) {
    const requests = objectAt(c.resources, 'requests');
    for (const [name, value] of Object.entries(c.resources.limits)) if (absent(requests[name])) requests[name] = value;
  }
}

/** kube's SetDefaults_PodSpec and what it defaults inside. */
export function defaultPodSpec(spec: JsonObject): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!isRecord(spec.securityContext)) spec.securityContext = {};
  if (absent(spec.terminationGracePeriodSeconds)) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  if (absent(spec.enableServiceLinks)) spec.enableServiceLinks = true;
  // The deprecated alias follows the real field.
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  if (spec.hostNetwork === true) {
    for (const c of recordsOf(spec.containers)) {
      for (const port of recordsOf(c.ports)) if (absent(port.hostPort)) port.hostPort = port.containerPort;
    }
  }
  for (const c of [...recordsOf(spec.initContainers), ...recordsOf(spec.containers), ...recordsOf(spec.ephemeralContainers)]) {
    defaultContainer(c);
  }
  for (const v of recordsOf(spec.volumes)) defaultVolume(v);
}

const DEFAULT_TOLERATION_SECONDS = 300;

/** The admission plugins' part, applied once, on create. */
export function admitNewPod(spec: JsonObject): void {
  if (absent(spec.priority)) spec.priority = 0;
  if (!spec.preemptionPolicy) spec.preemptionPolicy = 'PreemptLowerPriority';
  const tolerations = recordsOf(spec.tolerations);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const covered = tolerations.some(
      (t) => (stringOf(t.key) === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'),
    );
    if (!covered) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    }
  }
  spec.tolerations = tolerations;
}
