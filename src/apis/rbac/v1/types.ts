/** rbac.authorization.k8s.io/v1 objects as decoded JSON: every field optional, shapes checked by the code reading them. */
import type { KubeObject } from '../../../registry/object.js';
import type { LabelSelectorSpec } from '../../../apimachinery/labels.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  [field: string]: unknown;
}

export interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
  [field: string]: unknown;
}

export interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
  [field: string]: unknown;
}

export interface AggregationRule {
  clusterRoleSelectors?: LabelSelectorSpec[];
  [field: string]: unknown;
}

export interface Role extends KubeObject {
  rules?: PolicyRule[];
}

export interface ClusterRole extends Role {
  aggregationRule?: AggregationRule | null;
}

export interface RoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef?: RoleRef;
}

export type ClusterRoleBinding = RoleBinding;

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const listOf = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
