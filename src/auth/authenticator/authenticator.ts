import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../user.js';

/**
 * kube's authenticator.Request: null when the request carries none of this
 * authenticator's credentials (the next one is tried); throws when it carries
 * them and they are invalid (the request is refused, never passed on).
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): UserInfo | null | Promise<UserInfo | null>;
}

/** The first authenticator that recognises the credentials decides. */
export function unionAuthenticator(...authenticators: Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      for (const a of authenticators) {
        const user = await a.authenticate(req);
        if (user) return user;
      }
      return null;
    },
  };
}

export class InvalidCredentialsError extends Error {}
