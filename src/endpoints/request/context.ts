import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../../auth/user.js';
import type { RequestInfo } from './request-info.js';

/**
 * What the filters learn about a request, kept beside it rather than as ad-hoc
 * properties on the request object (kube's request context).
 */
interface RequestContext {
  auditID?: string;
  requestInfo?: RequestInfo;
  user?: UserInfo;
  receivedAt?: bigint;
}

const contexts = new WeakMap<IncomingMessage, RequestContext>();

const ctx = (req: IncomingMessage): RequestContext => {
  let c = contexts.get(req);
  if (!c) {
    c = {};
    contexts.set(req, c);
  }
  return c;
};

export const withAuditIDValue = (req: IncomingMessage, id: string): void => void (ctx(req).auditID = id);
export const auditIDFrom = (req: IncomingMessage): string | undefined => contexts.get(req)?.auditID;

export const setRequestInfo = (req: IncomingMessage, info: RequestInfo): void => void (ctx(req).requestInfo = info);
export const requestInfoFrom = (req: IncomingMessage): RequestInfo | undefined => contexts.get(req)?.requestInfo;

export const setUser = (req: IncomingMessage, user: UserInfo): void => void (ctx(req).user = user);
export const userFrom = (req: IncomingMessage): UserInfo | undefined => contexts.get(req)?.user;

export const setReceivedAt = (req: IncomingMessage, t: bigint): void => void (ctx(req).receivedAt = t);
export const receivedAtFrom = (req: IncomingMessage): bigint | undefined => contexts.get(req)?.receivedAt;
