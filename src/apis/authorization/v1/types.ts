/** authorization.k8s.io/v1 review objects as decoded JSON: every field optional, shapes checked by the code reading them. */
import type { KubeObject } from '../../../registry/object.js';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  [field: string]: unknown;
}

export interface NonResourceAttributes {
  path?: string;
  verb?: string;
  [field: string]: unknown;
}

export interface SubjectAccessReviewSpec {
  resourceAttributes?: ResourceAttributes | null;
  nonResourceAttributes?: NonResourceAttributes | null;
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
  [field: string]: unknown;
}

export interface SubjectAccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectAccessReview share this shape (Self has no user fields). */
export interface AccessReview extends KubeObject {
  spec?: SubjectAccessReviewSpec;
  status?: SubjectAccessReviewStatus;
}

export interface SelfSubjectRulesReview extends KubeObject {
  spec?: { namespace?: string; [field: string]: unknown };
  status?: unknown;
}
