import { readClaims, serviceAccountUser, type ObjectRef, type ServiceAccountClaims } from '../serviceaccount/claims.js';
import type { ObjectGetter, ServiceAccountTokenGetter } from '../serviceaccount/getter.js';
import { parseJWT, verifyJWTSignature } from '../serviceaccount/jwt.js';
import type { VerifyKey } from '../serviceaccount/keys.js';
import { InvalidCredentialsError } from './authenticator.js';
import type { TokenAuthenticator, TokenResponse } from './token.js';

export interface ServiceAccountAuthenticatorOptions {
  /** --service-account-issuer values: a token from any other issuer is not this authenticator's. */
  issuers: string[];
  keys: readonly VerifyKey[];
  getter: ServiceAccountTokenGetter;
  now?: () => Date;
}

/** Clock skew allowed on exp and nbf, as go-jose's DefaultLeeway. */
const LEEWAY_SECONDS = 60;

/**
 * kube's JWTTokenAuthenticator with the bound-token validator: a JWT from one
 * of our issuers must be signed by one of our keys, be within its lifetime,
 * be meant for one of the audiences asked for, and name a service account
 * (and pod or secret, when bound) that still exists with the same uid.
 */
export function createServiceAccountAuthenticator(opts: ServiceAccountAuthenticatorOptions): TokenAuthenticator {
  const issuers = new Set(opts.issuers);
  const now = opts.now ?? (() => new Date());
  return {
    async authenticateToken(token, audiences): Promise<TokenResponse | null> {
      const jwt = parseJWT(token);
      if (!jwt || typeof jwt.payload.iss !== 'string' || !issuers.has(jwt.payload.iss)) return null;
      if (!verifyJWTSignature(jwt, opts.keys)) throw new InvalidCredentialsError('invalid bearer token, crypto/rsa: verification error');
      const claims = readClaims(jwt.payload);
      if (typeof claims === 'string') throw new InvalidCredentialsError(claims);
      const t = Math.floor(now().getTime() / 1000);
      if (t > claims.exp + LEEWAY_SECONDS) throw new InvalidCredentialsError('service account token has expired');
      if (claims.nbf && t < claims.nbf - LEEWAY_SECONDS) throw new InvalidCredentialsError('service account token is not valid yet');
      if (claims.iat && t < claims.iat - LEEWAY_SECONDS) throw new InvalidCredentialsError('service account token issued in the future');
      const matched = audiences.length === 0 ? claims.aud : claims.aud.filter((a) => audiences.includes(a));
      if (audiences.length > 0 && matched.length === 0) {
        throw new InvalidCredentialsError(`token audiences ${JSON.stringify(claims.aud)} is invalid for the target audiences ${JSON.stringify(audiences)}`);
      }
      await checkBoundObjects(claims, opts.getter, now());
      return { user: serviceAccountUser(claims), audiences: matched };
    },
  };
}

/** kube's validator.Validate: each object the token names must still be there, the same one, not being deleted. */
async function checkBoundObjects(claims: ServiceAccountClaims, getter: ServiceAccountTokenGetter, now: Date): Promise<void> {
  const k = claims['kubernetes.io'];
  const ns = k.namespace;
  await checkRef('service account', getter.serviceAccount, ns, k.serviceaccount, now, false);
  if (k.secret) await checkRef('secret', getter.secret, ns, k.secret, now, true);
  if (k.pod) await checkRef('pod', getter.pod, ns, k.pod, now, true);
}

async function checkRef(what: string, get: ObjectGetter, ns: string, ref: ObjectRef, now: Date, refuseDeleting: boolean): Promise<void> {
  const obj = await get(ns, ref.name);
  if (!obj) throw new InvalidCredentialsError(`${what} ${ns}/${ref.name} has been deleted`);
  const uid = obj.metadata?.uid ?? '';
  if (uid !== ref.uid) throw new InvalidCredentialsError(`${what} UID (${uid}) does not match claim (${ref.uid})`);
  const deleting = obj.metadata?.deletionTimestamp;
  if (refuseDeleting && deleting && new Date(deleting).getTime() < now.getTime()) {
    throw new InvalidCredentialsError(`${what} ${ns}/${ref.name} is being deleted`);
  }
}
