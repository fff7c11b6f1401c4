/**
 * HorizontalPodAutoscaler between autoscaling/v1 and autoscaling/v2 (the
 * storage version). v1 only knows a CPU utilization target; everything else a
 * v2 object carries survives a v1 round trip in annotations, as kube keeps it
 * (kube's keys; the values here are v2 JSON, so the trip back is exact).
 */
import type { KubeObject } from '../../registry/object.js';

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const KEYS = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** The v2 metric that v1 expresses natively: Resource cpu with an Utilization target. */
const isCPUUtilization = (m: Json): boolean =>
  m.type === 'Resource' && rec(m.resource).name === 'cpu' && rec(rec(m.resource).target).type === 'Utilization';

const isCPUCurrent = (m: Json): boolean =>
  m.type === 'Resource' && rec(m.resource).name === 'cpu' && rec(rec(m.resource).current).averageUtilization !== undefined;

/** v2 → v1: the CPU target in its own field, the rest in annotations. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const out = structuredClone(v2);
  out.apiVersion = 'autoscaling/v1';
  const spec = rec(v2.spec);
  const status = v2.status === undefined ? undefined : rec(v2.status);
  const annotations: Record<string, string> = { ...(v2.metadata?.annotations ?? {}) };
  for (const k of KEYS) delete annotations[k];

  const metrics = list(spec.metrics);
  const cpu = metrics.find(isCPUUtilization);
  const others = metrics.filter((m) => m !== cpu);
  const v1spec: Json = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v1spec.minReplicas = spec.minReplicas;
  if (cpu) v1spec.targetCPUUtilizationPercentage = rec(rec(cpu.resource).target).averageUtilization;
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  if (spec.behavior !== undefined) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  out.spec = v1spec;

  if (status) {
    const current = list(status.currentMetrics);
    const cpuNow = current.find(isCPUCurrent);
    const v1status: Json = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
    if (status.observedGeneration !== undefined) v1status.observedGeneration = status.observedGeneration;
    if (status.lastScaleTime !== undefined) v1status.lastScaleTime = status.lastScaleTime;
    if (cpuNow) v1status.currentCPUUtilizationPercentage = rec(rec(cpuNow.resource).current).averageUtilization;
    const otherNow = current.filter((m) => m !== cpuNow);
    if (otherNow.length > 0) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(otherNow);
    if (list(status.conditions).length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
    out.status = v1status;
  }
  out.metadata = { ...out.metadata };
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;
  return out;
}

const parseList = (text: string | undefined): Json[] => {
  if (!text) return [];
  try {
    // An element that is not an object reads as Go's zero value would (validation then names what it lacks).
    return list(JSON.parse(text)).map(rec);
  } catch {
    return [];
  }
};

/** v1 → v2: the CPU target becomes a metric; what annotations kept comes back. */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const out = structuredClone(v1);
  out.apiVersion = 'autoscaling/v2';
  const spec = rec(v1.spec);
  const annotations: Record<string, string> = { ...(v1.metadata?.annotations ?? {}) };
  const v2spec: Json = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v2spec.minReplicas = spec.minReplicas;
  const metrics: Json[] = [];
  if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage !== null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  metrics.push(...parseList(annotations[METRICS_ANNOTATION]));
  if (metrics.length > 0) v2spec.metrics = metrics;
  if (annotations[BEHAVIOR_ANNOTATION]) {
    try {
      v2spec.behavior = JSON.parse(annotations[BEHAVIOR_ANNOTATION]);
    } catch {
      // An unreadable annotation is not behavior; kube drops it too.
    }
  }
  out.spec = v2spec;
  if (v1.status !== undefined) {
    const status = rec(v1.status);
    const v2status: Json = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
    if (status.observedGeneration !== undefined) v2status.observedGeneration = status.observedGeneration;
    if (status.lastScaleTime !== undefined) v2status.lastScaleTime = status.lastScaleTime;
    const current: Json[] = [];
    if (status.currentCPUUtilizationPercentage !== undefined) {
      current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
    }
    current.push(...parseList(annotations[CURRENT_METRICS_ANNOTATION]));
    if (current.length > 0) v2status.currentMetrics = current;
    const conditions = parseList(annotations[CONDITIONS_ANNOTATION]);
    if (conditions.length > 0) v2status.conditions = conditions;
    out.status = v2status;
  }
  for (const k of KEYS) delete annotations[k];
  out.metadata = { ...out.metadata };
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;
  return out;
}
