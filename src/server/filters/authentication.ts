import type { RequestHandler } from 'express';
import { newUnauthorized } from '../../apimachinery/status-error.js';
import { setUser } from '../../endpoints/request/context.js';
import { InvalidCredentialsError, type Authenticator } from '../../auth/authenticator/authenticator.js';
import type { Logger } from '../../observability/logger.js';
import { describeError } from '../../storage/errors.js';

export interface AuthenticationOptions {
  /** Includes anonymous when it is enabled: null means no user at all (401). */
  authenticator: Authenticator;
  /**
   * Headers that carry identity (Authorization, the front-proxy's): removed
   * after authentication, whoever sent them, so nothing downstream (a proxied
   * backend) can see, replay or be fooled by them. Names and prefixes, lower case.
   */
  identityHeaders?: { names: string[]; prefixes: string[] };
  logger: Logger;
}

/** Names the user. Invalid credentials are a 401, never a fall-through to anonymous. */
export function withAuthentication(opts: AuthenticationOptions): RequestHandler {
  const names = opts.identityHeaders?.names ?? ['authorization'];
  const prefixes = opts.identityHeaders?.prefixes ?? [];
  return async (req, _res, next) => {
    let user;
    try {
      user = await opts.authenticator.authenticate(req);
    } catch (err) {
      // A bad credential is the client's and logged only when asked (it would flood the log under
      // attack); anything else (storage failing behind a token lookup) is the server's: an operator
      // must see it. Both answer 401, as kube does.
      if (err instanceof InvalidCredentialsError) opts.logger.v(2).info('unable to authenticate the request', { path: req.path, err: err.message });
      else opts.logger.error('unable to authenticate the request', { path: req.path, err: describeError(err) });
      next(newUnauthorized());
      return;
    }
    if (!user) {
      next(newUnauthorized());
      return;
    }
    const identity = (h: string) => names.includes(h) || prefixes.some((p) => h.startsWith(p));
    for (const h of Object.keys(req.headers)) if (identity(h)) delete req.headers[h];
    // The raw pairs too: a proxy that forwards them must not forward these.
    const raw = req.rawHeaders;
    for (let i = raw.length - 2; i >= 0; i -= 2) if (identity(raw[i]!.toLowerCase())) raw.splice(i, 2);
    setUser(req, user);
    next();
  };
}
