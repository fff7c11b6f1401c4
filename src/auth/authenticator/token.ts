import type { UserInfo } from '../user.js';
import { InvalidCredentialsError } from './authenticator.js';

/** What a token authenticates as, and for which audiences (kube's authenticator.Response). */
export interface TokenResponse {
  user: UserInfo;
  /** The audiences the token was accepted for; empty when the authenticator does not check audiences. */
  audiences: string[];
}

/**
 * kube's authenticator.Token: null when the token is not one of its kind (the
 * next one is tried); throws InvalidCredentialsError when it is and is not good.
 * `audiences` are the ones the server (or a TokenReview) accepts.
 */
export interface TokenAuthenticator {
  authenticateToken(token: string, audiences: string[]): TokenResponse | null | Promise<TokenResponse | null>;
}

/** Several token authenticators as one: the first that accepts wins; refusals count only if none does. */
export function unionTokenAuthenticator(...authenticators: TokenAuthenticator[]): TokenAuthenticator {
  return {
    async authenticateToken(token, audiences) {
      const errors: string[] = [];
      for (const a of authenticators) {
        try {
          const r = await a.authenticateToken(token, audiences);
          if (r) return r;
        } catch (err) {
          if (!(err instanceof InvalidCredentialsError)) throw err;
          errors.push(err.message);
        }
      }
      if (errors.length > 0) throw new InvalidCredentialsError(errors.join(', '));
      return null;
    },
  };
}

/**
 * kube's WrapAudienceAgnosticToken: a token authenticator that knows nothing of
 * audiences (the token file) is good for the server's own audiences only. A
 * review asking for others gets no answer from it; otherwise the response
 * names the audiences asked for that are the server's.
 */
export function audienceAgnostic(inner: TokenAuthenticator, apiAudiences: string[]): TokenAuthenticator {
  return {
    async authenticateToken(token, audiences) {
      const matched = audiences.length === 0 ? [] : audiences.filter((a) => apiAudiences.includes(a));
      if (audiences.length > 0 && matched.length === 0) return null;
      const r = await inner.authenticateToken(token, audiences);
      return r && { ...r, audiences: matched };
    },
  };
}
