import { ALL_UNAUTHENTICATED, ANONYMOUS, type UserInfo } from '../user.js';
import type { Authenticator } from './authenticator.js';

/** The user a request with no credentials is served as when --anonymous-auth is on. */
export const anonymousUser = (): UserInfo => ({ name: ANONYMOUS, groups: [ALL_UNAUTHENTICATED] });

/** kube's anonymous authenticator: everyone is system:anonymous. Only ever asked after the others found no credentials. */
export function createAnonymousAuthenticator(): Authenticator {
  return { authenticate: () => anonymousUser() };
}
