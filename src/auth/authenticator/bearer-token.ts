import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../user.js';
import { InvalidCredentialsError, type Authenticator } from './authenticator.js';
import type { TokenAuthenticator } from './token.js';

/**
 * kube's bearertoken authenticator: "Authorization: Bearer <token>" is handed
 * to the token authenticators with the server's audiences. A token none of
 * them recognises is invalid, not absent; a header that is not a bearer token
 * (or an empty one) is left to the others.
 */
export function createBearerTokenAuthenticator(tokens: TokenAuthenticator, apiAudiences: string[]): Authenticator {
  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo | null> {
      const token = bearerToken(req);
      if (token === undefined) return null;
      const r = await tokens.authenticateToken(token, apiAudiences);
      if (!r) throw new InvalidCredentialsError('invalid bearer token');
      return r.user;
    },
  };
}

/** The token of an "Authorization: Bearer" header, or undefined when there is none (or it is empty). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization?.trim();
  if (!header) return undefined;
  // kube splits on single spaces and takes the second part.
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) return undefined;
  return token;
}
