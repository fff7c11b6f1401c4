import type { IncomingMessage } from 'node:http';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, type UserInfo } from '../user.js';

/**
 * kube's authenticator.Request: null when the request carries none of this
 * authenticator's credentials (the next one is tried); throws when it carries
 * them and they are invalid.
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): UserInfo | null | Promise<UserInfo | null>;
}

/** Credentials were presented and are not good. The message is logged, never sent to the client. */
export class InvalidCredentialsError extends Error {}

/**
 * kube's union authenticator: the first that names a user wins, even when an
 * earlier one refused its own credentials (a front-proxy certificate with a
 * bearer token); only when none does are the refusals reported together.
 */
export function unionAuthenticator(...authenticators: Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      const errors: string[] = [];
      for (const a of authenticators) {
        try {
          const user = await a.authenticate(req);
          if (user) return user;
        } catch (err) {
          if (!(err instanceof InvalidCredentialsError)) throw err;
          errors.push(err.message);
        }
      }
      if (errors.length > 0) throw new InvalidCredentialsError(errors.length === 1 ? errors.join('') : `[${errors.join(', ')}]`);
      return null;
    },
  };
}

/** kube's AuthenticatedGroupAdder: every authenticated user is in system:authenticated (anonymous never is). */
export function authenticatedGroupAdder(inner: Authenticator): Authenticator {
  return {
    async authenticate(req) {
      const user = await inner.authenticate(req);
      if (!user) return null;
      if (user.name === ANONYMOUS || user.groups.includes(ALL_AUTHENTICATED) || user.groups.includes(ALL_UNAUTHENTICATED)) return user;
      return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
    },
  };
}
