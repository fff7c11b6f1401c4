import { randomUUID } from 'node:crypto';
import type { ObjectRef, ServiceAccountClaims } from './claims.js';
import { serviceAccountUsername } from './claims.js';
import { signJWT } from './jwt.js';
import type { SigningKey } from './keys.js';

export interface TokenClaimsInput {
  namespace: string;
  serviceAccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  audiences: string[];
  expirationSeconds: number;
}

export interface IssuedToken {
  token: string;
  claims: ServiceAccountClaims;
  /** RFC 3339, seconds precision, as kube's metav1.Time. */
  expirationTimestamp: string;
}

/** kube's TokenGenerator for bound tokens: one issuer, one signing key, an injectable clock. */
export class TokenGenerator {
  constructor(
    readonly issuer: string,
    private readonly key: SigningKey,
    private readonly now: () => Date = () => new Date(),
  ) {}

  generate(input: TokenClaimsInput): IssuedToken {
    const iat = Math.floor(this.now().getTime() / 1000);
    const exp = iat + input.expirationSeconds;
    const claims: ServiceAccountClaims = {
      aud: input.audiences,
      exp,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: input.namespace,
        ...(input.pod ? { pod: input.pod } : {}),
        ...(input.secret ? { secret: input.secret } : {}),
        serviceaccount: input.serviceAccount,
      },
      nbf: iat,
      sub: serviceAccountUsername(input.namespace, input.serviceAccount.name),
    };
    const token = signJWT(claims as unknown as Record<string, unknown>, this.key);
    return { token, claims, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z') };
  }
}
