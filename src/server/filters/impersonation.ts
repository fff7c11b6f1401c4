import type { RequestHandler } from 'express';
import { auditImpersonatedUser } from '../../audit/context.js';
import type { IncomingMessage } from 'node:http';
import { newBadRequest, newForbidden, newInternalError } from '../../apimachinery/status-error.js';
import { forbiddenMessage, type Attributes, type Authorizer } from '../../auth/authorizer/authorizer.js';
import { ALL_SERVICE_ACCOUNTS_GROUP, serviceAccountUsername, splitServiceAccountUsername } from '../../auth/serviceaccount/claims.js';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, type UserInfo } from '../../auth/user.js';
import { setUser, userFrom } from '../../endpoints/request/context.js';
import type { Logger } from '../../observability/logger.js';

export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';
export const IMPERSONATE_UID = 'impersonate-uid';
export const IMPERSONATE_EXTRA_PREFIX = 'impersonate-extra-';

/** One thing a request asks to act as; each is authorized on its own (kube's impersonation ObjectReference). */
interface ImpersonationRequest {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  apiVersion: string;
  /** The extra key, for UserExtra. */
  fieldPath: string;
}

const AUTHN_V1 = 'authentication.k8s.io/v1';

/**
 * kube's WithImpersonation: Impersonate-User (with -Group, -Uid, -Extra-<key>)
 * makes the rest of the chain see another user, if the authenticated one may
 * `impersonate` each part: users, groups and serviceaccounts in the core
 * group, uids and userextras/<key> in authentication.k8s.io. The headers are
 * removed afterwards.
 */
export function withImpersonation(opts: { authorizer: Authorizer; logger: Logger }): RequestHandler {
  return async (req, _res, next) => {
    let requests: ImpersonationRequest[];
    try {
      requests = impersonationRequests(req);
    } catch (err) {
      // Only the headers' shape fails here (groups without a user...): the client's request, so a
      // 400 where kube answers 500.
      next(newBadRequest((err as Error).message));
      return;
    }
    if (requests.length === 0) {
      next();
      return;
    }
    const requestor = userFrom(req);
    if (!requestor) {
      next(newInternalError('no user found for request'));
      return;
    }
    const groupsSpecified = requests.some((r) => r.kind === 'Group');
    let name = '';
    let uid = '';
    let groups: string[] = [];
    const extra: Record<string, string[]> = {};
    for (const r of requests) {
      const attrs: Attributes = {
        user: requestor,
        verb: 'impersonate',
        isResourceRequest: true,
        path: req.path,
        namespace: r.namespace,
        apiGroup: r.apiVersion === AUTHN_V1 ? 'authentication.k8s.io' : '',
        apiVersion: r.apiVersion === AUTHN_V1 ? 'v1' : '',
        resource: '',
        subresource: '',
        name: r.name,
      };
      switch (r.kind) {
        case 'ServiceAccount':
          attrs.resource = 'serviceaccounts';
          name = serviceAccountUsername(r.namespace, r.name);
          if (!groupsSpecified) groups = [ALL_SERVICE_ACCOUNTS_GROUP, `${ALL_SERVICE_ACCOUNTS_GROUP}:${r.namespace}`];
          break;
        case 'User':
          attrs.resource = 'users';
          name = r.name;
          break;
        case 'Group':
          attrs.resource = 'groups';
          groups.push(r.name);
          break;
        case 'UserExtra':
          attrs.resource = 'userextras';
          attrs.subresource = r.fieldPath;
          (extra[r.fieldPath] ??= []).push(r.name);
          break;
        case 'UID':
          attrs.resource = 'uids';
          uid = r.name;
          break;
      }
      const { decision, reason } = await opts.authorizer.authorize(attrs);
      if (decision !== 'Allow') {
        opts.logger.v(4).info('Forbidden', { uri: req.originalUrl, reason });
        next(newForbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, forbiddenMessage(attrs) + (reason ? `: ${reason}` : '')));
        return;
      }
    }
    if (name !== ANONYMOUS) {
      if (!groups.includes(ALL_AUTHENTICATED) && !groups.includes(ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
    } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
      groups.push(ALL_UNAUTHENTICATED);
    }
    const user: UserInfo = { name, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) };
    opts.logger.v(2).info('impersonating', { user: userString(requestor), as: userString(user) });
    setUser(req, user);
    auditImpersonatedUser(req, user);
    for (const h of Object.keys(req.headers)) if (isImpersonationHeader(h)) delete req.headers[h];
    const raw = req.rawHeaders;
    for (let i = raw.length - 2; i >= 0; i -= 2) if (isImpersonationHeader(raw[i]!.toLowerCase())) raw.splice(i, 2);
    next();
  };
}

const isImpersonationHeader = (h: string) =>
  h === IMPERSONATE_USER || h === IMPERSONATE_GROUP || h === IMPERSONATE_UID || h.startsWith(IMPERSONATE_EXTRA_PREFIX);

/** What the headers ask for, in kube's order (user, groups, extras, uid); throws when they ask for anything without a user. */
function impersonationRequests(req: IncomingMessage): ImpersonationRequest[] {
  // Almost no request impersonates: one pass over the header names settles those.
  if (!hasImpersonationHeader(req.rawHeaders)) return [];
  const out: ImpersonationRequest[] = [];
  const values = (name: string) => rawPairs(req).filter(([k]) => k === name).map(([, v]) => v);
  const user = values(IMPERSONATE_USER)[0] ?? '';
  const ref = (kind: ImpersonationRequest['kind'], name: string, more: Partial<ImpersonationRequest> = {}): ImpersonationRequest => ({
    kind,
    namespace: '',
    name,
    apiVersion: '',
    fieldPath: '',
    ...more,
  });
  if (user) {
    const sa = splitServiceAccountUsername(user);
    out.push(sa ? ref('ServiceAccount', sa.name, { namespace: sa.namespace }) : ref('User', user));
  }
  const groups = values(IMPERSONATE_GROUP);
  for (const g of groups) out.push(ref('Group', g));
  let hasExtra = false;
  for (const [header, value] of rawPairs(req)) {
    if (!header.startsWith(IMPERSONATE_EXTRA_PREFIX)) continue;
    hasExtra = true;
    out.push(ref('UserExtra', value, { apiVersion: AUTHN_V1, fieldPath: unescapeKey(header.slice(IMPERSONATE_EXTRA_PREFIX.length)) }));
  }
  const uid = values(IMPERSONATE_UID)[0] ?? '';
  if (uid) out.push(ref('UID', uid, { apiVersion: AUTHN_V1 }));
  if ((groups.length > 0 || hasExtra || uid) && !user) {
    throw new Error(`requested [${out.map(goObjectReference).join(' ')}] without impersonating a user`);
  }
  return out;
}

function hasImpersonationHeader(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Every impersonation header starts with "impersonate-": test the first letter before lower-casing.
    if ((name.charCodeAt(0) | 0x20) === 0x69 && name.toLowerCase().startsWith('impersonate-')) return true;
  }
  return false;
}

/** Header name (lower case) and value pairs, every occurrence kept. */
function rawPairs(req: IncomingMessage): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
  return out;
}

function unescapeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Go's %v of a v1.ObjectReference, which kube's message prints. */
const goObjectReference = (r: ImpersonationRequest): string => `{${r.kind} ${r.namespace} ${r.name}  ${r.apiVersion}  ${r.fieldPath}}`;

function userString(u: UserInfo): string {
  return `${u.name || '<empty>'}${u.groups.length > 0 ? `[${u.groups.join(',')}]` : ''}`;
}
