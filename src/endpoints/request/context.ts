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

/**
 * The context rides on the request under a module-private symbol: every
 * request has one, and a property read is cheaper than a WeakMap lookup (and
 * leaves the collector no weak entries to clear).
 */
const CONTEXT = Symbol('frontdoor.requestContext');

interface WithContext extends IncomingMessage {
  [CONTEXT]?: RequestContext;
}

const existing = (req: IncomingMessage): RequestContext | undefined => (req as WithContext)[CONTEXT];

// Every field from the start, so that all contexts share one shape.
const ctx = (req: IncomingMessage): RequestContext =>
  ((req as WithContext)[CONTEXT] ??= { auditID: undefined, requestInfo: undefined, user: undefined, receivedAt: undefined });

export const withAuditIDValue = (req: IncomingMessage, id: string): void => void (ctx(req).auditID = id);
export const auditIDFrom = (req: IncomingMessage): string | undefined => existing(req)?.auditID;

export const setRequestInfo = (req: IncomingMessage, info: RequestInfo): void => void (ctx(req).requestInfo = info);
export const requestInfoFrom = (req: IncomingMessage): RequestInfo | undefined => existing(req)?.requestInfo;

export const setUser = (req: IncomingMessage, user: UserInfo): void => void (ctx(req).user = user);
export const userFrom = (req: IncomingMessage): UserInfo | undefined => existing(req)?.user;

export const setReceivedAt = (req: IncomingMessage, t: bigint): void => void (ctx(req).receivedAt = t);
export const receivedAtFrom = (req: IncomingMessage): bigint | undefined => existing(req)?.receivedAt;
