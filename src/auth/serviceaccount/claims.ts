/** The claims of a bound service account token (kube's serviceaccount/claims.go), and the user they name. */
import type { UserInfo } from '../user.js';

export interface ObjectRef {
  name: string;
  uid: string;
}

/** The private claim "kubernetes.io". */
export interface KubernetesClaims {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  /** Seconds since the epoch after which a client should refresh (kube sets it on extended pod tokens). */
  warnafter?: number;
}

export interface ServiceAccountClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  'kubernetes.io': KubernetesClaims;
  nbf: number;
  sub: string;
}

export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

export const serviceAccountUsername = (namespace: string, name: string): string => `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;

/** "system:serviceaccount:<ns>:<name>" split, or undefined for any other user name. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** kube's serviceaccount.UserInfo, with the bound objects and token id as extra. */
export function serviceAccountUser(claims: ServiceAccountClaims): UserInfo {
  const k = claims['kubernetes.io'];
  const extra: Record<string, string[]> = {};
  if (k.pod) {
    extra[EXTRA_POD_NAME] = [k.pod.name];
    extra[EXTRA_POD_UID] = [k.pod.uid];
  }
  if (k.node) {
    extra[EXTRA_NODE_NAME] = [k.node.name];
    extra[EXTRA_NODE_UID] = [k.node.uid];
  }
  if (claims.jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${claims.jti}`];
  return {
    name: serviceAccountUsername(k.namespace, k.serviceaccount.name),
    uid: k.serviceaccount.uid,
    groups: [ALL_SERVICE_ACCOUNTS_GROUP, `${ALL_SERVICE_ACCOUNTS_GROUP}:${k.namespace}`],
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

/** The payload's claims when they have the shape of a bound token, else a reason. */
export function readClaims(payload: Record<string, unknown>): ServiceAccountClaims | string {
  const k = payload['kubernetes.io'] as Partial<KubernetesClaims> | undefined;
  if (typeof k !== 'object' || k === null) return 'service account token claims could not be found';
  const sa = k.serviceaccount as Partial<ObjectRef> | undefined;
  if (typeof k.namespace !== 'string' || !k.namespace || typeof sa?.name !== 'string' || !sa.name || typeof sa.uid !== 'string' || !sa.uid) {
    return 'service account token claims are missing the namespace or the service account name and uid';
  }
  for (const f of ['exp', 'iat', 'nbf'] as const) {
    if (payload[f] !== undefined && typeof payload[f] !== 'number') return `invalid ${f} claim`;
  }
  if (typeof payload.exp !== 'number') return 'service account token has no expiry';
  const aud = payload.aud;
  return {
    aud: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [],
    exp: payload.exp,
    iat: typeof payload.iat === 'number' ? payload.iat : 0,
    nbf: typeof payload.nbf === 'number' ? payload.nbf : 0,
    iss: typeof payload.iss === 'string' ? payload.iss : '',
    jti: typeof payload.jti === 'string' ? payload.jti : '',
    sub: typeof payload.sub === 'string' ? payload.sub : '',
    'kubernetes.io': k as KubernetesClaims,
  };
}
