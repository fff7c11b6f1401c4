import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { UserInfo } from '../auth/user.js';
import type { AuditAttributes } from './policy-checker.js';
import { AUDIT_API_VERSION, type AuditEvent, type AuditUserInfo, type Level } from './types.js';

export { AUDIT_API_VERSION };

const MAX_USER_AGENT_LENGTH = 1024;
const USER_AGENT_TRUNCATE_SUFFIX = '...TRUNCATED';

// The wall clock to the microsecond: Date.now() has only milliseconds, so the
// monotonic clock supplies the rest, re-anchored whenever the wall clock moves
// away from it (an NTP step, a suspended machine) by a millisecond or more.
let wallOffsetMs = Date.now() - performance.now();
export function wallClockMicros(): number {
  const mono = performance.now();
  const wall = Date.now();
  if (Math.abs(mono + wallOffsetMs - wall) >= 1) wallOffsetMs = wall - mono;
  return Math.floor((mono + wallOffsetMs) * 1000);
}

/** Now (or the given time) as metav1.MicroTime writes it: RFC 3339 in UTC with six fractional digits. */
export function microTime(epochMicros = wallClockMicros()): string {
  const iso = new Date(Math.floor(epochMicros / 1000)).toISOString(); // ...SS.mmmZ
  return `${iso.slice(0, -1)}${String(epochMicros % 1000).padStart(3, '0')}Z`;
}

/** authentication/v1 UserInfo; kube leaves out empty fields. */
export function toAuditUser(user: UserInfo): AuditUserInfo {
  const out: AuditUserInfo = { username: user.name };
  if (user.uid) out.uid = user.uid;
  if (user.groups.length > 0) out.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length > 0) out.extra = structuredClone(user.extra);
  return out;
}

/**
 * kube's utilnet.SourceIPs: the X-Forwarded-For chain, then X-Real-Ip, then the
 * peer's address if neither named it. Not checked, as kube does not: a client may claim any.
 */
export function sourceIPs(req: IncomingMessage): string[] {
  const ips: string[] = [];
  const add = (raw: string) => {
    const ip = unmapIPv4(raw.trim());
    if (isIP(ip) !== 0 && !ips.includes(ip)) ips.push(ip);
  };
  const xff = req.headers['x-forwarded-for'];
  for (const part of (Array.isArray(xff) ? xff.join(',') : (xff ?? '')).split(',')) add(part);
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string') add(real);
  if (req.socket.remoteAddress) add(req.socket.remoteAddress);
  return ips;
}

/** A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; Go reports a.b.c.d. */
const unmapIPv4 = (ip: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip);

function userAgent(req: IncomingMessage): string | undefined {
  const ua = req.headers['user-agent'];
  if (!ua) return undefined;
  return ua.length > MAX_USER_AGENT_LENGTH ? ua.slice(0, MAX_USER_AGENT_LENGTH) + USER_AGENT_TRUNCATE_SUFFIX : ua;
}

/** kube's LogRequestMetadata: the event a request starts with, before any stage is sent. */
export function newEvent(req: IncomingMessage, opts: { level: Level; auditID: string; attrs: AuditAttributes & { apiVersion: string }; receivedAt: string }): AuditEvent {
  const { attrs } = opts;
  const ev: AuditEvent = {
    level: opts.level,
    auditID: opts.auditID,
    stage: 'RequestReceived',
    requestURI: req.url ?? '/',
    verb: attrs.verb,
    user: attrs.user ? toAuditUser(attrs.user) : {},
    sourceIPs: sourceIPs(req),
    userAgent: userAgent(req),
    requestReceivedTimestamp: opts.receivedAt,
    stageTimestamp: opts.receivedAt,
  };
  if (attrs.isResourceRequest) {
    ev.objectRef = {
      resource: attrs.resource || undefined,
      namespace: attrs.namespace || undefined,
      name: attrs.name || undefined,
      apiGroup: attrs.apiGroup || undefined,
      apiVersion: attrs.apiVersion || undefined,
      subresource: attrs.subresource || undefined,
    };
  }
  return ev;
}
