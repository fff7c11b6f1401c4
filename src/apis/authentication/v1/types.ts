/** authentication.k8s.io/v1 kinds, as JSON. */
import type { KubeObjectMeta } from '../../../registry/object.js';
import type { UserInfo } from '../../../auth/user.js';

export const GROUP = 'authentication.k8s.io';
export const VERSION = 'v1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** authentication/v1 UserInfo (username, not name). */
export interface UserInfoV1 {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface TokenReview {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
  spec?: { token?: string; audiences?: string[] | null };
  status?: { authenticated?: boolean; user?: UserInfoV1; audiences?: string[]; error?: string };
  [field: string]: unknown;
}

export interface SelfSubjectReview {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
  status?: { userInfo?: UserInfoV1 };
  [field: string]: unknown;
}

export interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

export interface TokenRequest {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
  spec?: { audiences?: string[] | null; expirationSeconds?: number | null; boundObjectRef?: BoundObjectReference | null };
  status?: { token?: string; expirationTimestamp?: string };
  [field: string]: unknown;
}

/** A user as authentication/v1 writes it: empty fields left out, as Go's omitempty. */
export function userInfoV1(user: UserInfo): UserInfoV1 {
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    ...(user.groups.length > 0 ? { groups: [...user.groups] } : {}),
    ...(user.extra && Object.keys(user.extra).length > 0 ? { extra: structuredClone(user.extra) } : {}),
  };
}

/** metav1.Time now, seconds precision. */
export const timestamp = (now: Date): string => now.toISOString().replace(/\.\d+Z$/, 'Z');
