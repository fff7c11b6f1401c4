import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { requestInfoFrom, userFrom } from '../../../endpoints/request/context.js';
import type { RequestInfo } from '../../../endpoints/request/request-info.js';
import type { UserInfo } from '../../user.js';

/**
 * The request a registry call is made for, carried through the async calls of
 * its handler: the Store's admission hook has no request parameter, and the
 * RBAC escalation checks need to know who asks (kube reads it from ctx).
 * Outside a request (controllers, bootstrap) there is none.
 */
const current = new AsyncLocalStorage<IncomingMessage>();

/** Runs `handler` with its request as the current one. */
export function withRequester(handler: RequestHandler): RequestHandler {
  return (req, res, next) => current.run(req, () => handler(req, res, next));
}

/** Who makes the current request, and what it is; undefined outside a request. */
export function currentRequester(): { user: UserInfo | undefined; info: RequestInfo | undefined } | undefined {
  const req = current.getStore();
  if (!req) return undefined;
  return { user: userFrom(req), info: requestInfoFrom(req) };
}
