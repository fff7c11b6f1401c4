/**
 * kube's printPod: READY "ready/total", STATUS (the phase, refined by init and
 * container states, Terminating while deleting), RESTARTS with "(5m ago)",
 * and the wide columns. Sidecars (restartable init containers) count as
 * containers, as in kube.
 */
import { translateTimestampSince } from './table-helpers.js';
import { isRecord, numberOf, recordsOf, stringOf, type JsonObject } from './values.js';

export interface PodLike {
  metadata?: { deletionTimestamp?: string | null; [k: string]: unknown };
  spec?: unknown;
  status?: unknown;
}

interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

const isSidecar = (c: JsonObject | undefined): boolean => c?.restartPolicy === 'Always';

const stateOf = (cs: JsonObject, which: string): JsonObject | undefined => {
  const state = isRecord(cs.state) ? cs.state : {};
  return isRecord(state[which]) ? state[which] : undefined;
};

const lastTerminatedAt = (cs: JsonObject): number | undefined => {
  const last = isRecord(cs.lastState) ? cs.lastState : {};
  const terminated = isRecord(last.terminated) ? last.terminated : undefined;
  const t = terminated ? Date.parse(stringOf(terminated.finishedAt)) : Number.NaN;
  return Number.isNaN(t) ? undefined : t;
};

const conditionTrue = (status: JsonObject, type: string): boolean =>
  recordsOf(status.conditions).some((c) => c.type === type && c.status === 'True');

/** kube's isPodInitializedConditionTrue: the first Initialized condition decides. */
function initializedTrue(status: JsonObject): boolean {
  const c = recordsOf(status.conditions).find((cond) => cond.type === 'Initialized');
  return c?.status === 'True';
}

const terminatedReason = (t: JsonObject, prefix: string): string => {
  if (stringOf(t.reason)) return `${prefix}${stringOf(t.reason)}`;
  return numberOf(t.signal) !== 0 ? `${prefix}Signal:${numberOf(t.signal)}` : `${prefix}ExitCode:${numberOf(t.exitCode)}`;
};

export function summarizePod(pod: PodLike, now: Date): PodSummary {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const status = isRecord(pod.status) ? pod.status : {};
  const initSpecs = new Map(recordsOf(spec.initContainers).map((c) => [stringOf(c.name), c]));
  const total = recordsOf(spec.containers).length + [...initSpecs.values()].filter(isSidecar).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined ? b : b === undefined ? a : Math.max(a, b);

  const phase = stringOf(status.phase);
  let reason = stringOf(status.reason) || phase;
  if (recordsOf(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = recordsOf(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const sidecar = isSidecar(initSpecs.get(stringOf(cs.name)));
    restarts += numberOf(cs.restartCount);
    lastRestart = later(lastRestart, lastTerminatedAt(cs));
    if (sidecar) {
      sidecarRestarts += numberOf(cs.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, lastTerminatedAt(cs));
    }
    const terminated = stateOf(cs, 'terminated');
    const waiting = stateOf(cs, 'waiting');
    if (terminated && numberOf(terminated.exitCode) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting && stringOf(waiting.reason) && waiting.reason !== 'PodInitializing') reason = `Init:${stringOf(waiting.reason)}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }

  if (!initializing || initializedTrue(status)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = recordsOf(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += numberOf(cs.restartCount);
      lastRestart = later(lastRestart, lastTerminatedAt(cs));
      const waiting = stateOf(cs, 'waiting');
      const terminated = stateOf(cs, 'terminated');
      if (waiting && stringOf(waiting.reason)) reason = stringOf(waiting.reason);
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (cs.ready === true && stateOf(cs, 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }
  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsText = `${restarts} (${translateTimestampSince(new Date(lastRestart).toISOString(), now)} ago)`;
  }
  return { ready: `${ready}/${total}`, reason, restarts: restartsText };
}

export function podIPCell(pod: PodLike): string {
  const status = isRecord(pod.status) ? pod.status : {};
  const first = recordsOf(status.podIPs)[0];
  return stringOf(first?.ip) || stringOf(status.podIP) || '<none>';
}

export function readinessGatesCell(pod: PodLike): string {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const status = isRecord(pod.status) ? pod.status : {};
  const gates = recordsOf(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = recordsOf(status.conditions);
  const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${trueCount}/${gates.length}`;
}
