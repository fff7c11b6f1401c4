import type { RequestHandler } from 'express';
import { newUnauthorized } from '../../apimachinery/status-error.js';
import { setUser } from '../../endpoints/request/context.js';
import type { Authenticator } from '../../auth/authenticator/authenticator.js';
import { ALL_UNAUTHENTICATED, ANONYMOUS } from '../../auth/user.js';
import type { Logger } from '../../observability/logger.js';

export interface AuthenticationOptions {
  authenticator: Authenticator;
  /**
   * Requests with no credentials at all: when this returns true they go on as
   * system:anonymous (the authorizer then decides), otherwise they get 401.
   */
  allowAnonymous: (path: string) => boolean;
  logger: Logger;
}

/**
 * Names the user. Invalid credentials are a 401, never a fall-through to
 * anonymous. Credentials are removed afterwards so nothing downstream (a proxied
 * backend) can see or replay them.
 */
export function withAuthentication(opts: AuthenticationOptions): RequestHandler {
  return async (req, _res, next) => {
    let user;
    try {
      user = await opts.authenticator.authenticate(req);
    } catch (err) {
      opts.logger.v(2).info('unable to authenticate the request', { path: req.path, err });
      next(newUnauthorized());
      return;
    }
    if (!user) {
      if (!opts.allowAnonymous(req.path)) {
        next(newUnauthorized());
        return;
      }
      user = { name: ANONYMOUS, groups: [ALL_UNAUTHENTICATED] };
    }
    delete req.headers.authorization;
    setUser(req, user);
    next();
  };
}
