/**
 * apps/v1 Deployment and the parts of core/v1 PodTemplateSpec that its
 * defaults and validation read. Objects arrive as decoded JSON, so every
 * field is optional and code reading them checks shapes before trusting them.
 */
import type { KubeObject, KubeObjectMeta } from '../../../registry/object.js';
import type { LabelSelectorSpec } from '../../../apimachinery/labels.js';

/** intstr.IntOrString as it appears in JSON: 3 or "25%". */
export type IntOrString = number | string;

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
  [field: string]: unknown;
}

export interface EnvVar {
  name?: string;
  value?: string;
  valueFrom?: { fieldRef?: { apiVersion?: string; fieldPath?: string; [field: string]: unknown }; [field: string]: unknown };
  [field: string]: unknown;
}

export interface Probe {
  httpGet?: { path?: string; scheme?: string; [field: string]: unknown };
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  [field: string]: unknown;
}

export interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  ports?: ContainerPort[];
  env?: EnvVar[];
  resources?: Record<string, unknown>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  [field: string]: unknown;
}

export interface Volume {
  name?: string;
  [field: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: unknown[];
  volumes?: Volume[];
  restartPolicy?: string;
  dnsPolicy?: string;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  schedulerName?: string;
  securityContext?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  serviceAccountName?: string;
  hostNetwork?: boolean;
  [field: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: KubeObjectMeta;
  spec?: PodSpec;
  [field: string]: unknown;
}

export interface RollingUpdateDeployment {
  maxUnavailable?: IntOrString | null;
  maxSurge?: IntOrString | null;
  [field: string]: unknown;
}

export interface DeploymentStrategy {
  type?: string;
  rollingUpdate?: RollingUpdateDeployment | null;
  [field: string]: unknown;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelectorSpec | null;
  template?: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number | null;
  paused?: boolean;
  progressDeadlineSeconds?: number | null;
  [field: string]: unknown;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number | null;
  [field: string]: unknown;
}

export interface Deployment extends KubeObject {
  spec?: DeploymentSpec;
  status?: DeploymentStatus;
}

/** A plain JSON object (not an array, not null). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The array at `v`, or none: a wrong-typed list validates as empty rather than throwing. */
export const listOf = <T>(v: readonly T[] | null | undefined | unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
