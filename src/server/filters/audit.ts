import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { isStatusError } from '../../apimachinery/status-error.js';
import { processEventStage, setAuditContext, type AuditContext } from '../../audit/context.js';
import { microTime, newEvent } from '../../audit/event.js';
import type { AuditAttributes, PolicyRuleEvaluator } from '../../audit/policy-checker.js';
import type { AuditSink } from '../../audit/types.js';
import { auditIDFrom, requestInfoFrom, userFrom } from '../../endpoints/request/context.js';
import type { RequestInfo } from '../../endpoints/request/request-info.js';

export interface AuditOptions {
  sink: AuditSink;
  evaluate: PolicyRuleEvaluator;
  /**
   * How long a request whose client left is given to finish before its
   * ResponseComplete is sent as "Connection closed early" anyway; default 60 s,
   * kube's default request timeout (its handler would have been cut off by then).
   */
  closedEarlyGraceMs?: number;
}

const CLOSED_EARLY_GRACE_MS = 60_000;

/** kube's BasicLongRunningRequestCheck for the apiserver's defaults: these get a ResponseStarted stage. */
const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
const isLongRunning = (info: RequestInfo | undefined): boolean =>
  !!info && info.isResourceRequest && (LONG_RUNNING_VERBS.has(info.verb) || LONG_RUNNING_SUBRESOURCES.has(info.subresource));

/**
 * kube's WithAudit, placed after authentication: the policy picks the level
 * from who asks for what; above None the request's event is sent at
 * RequestReceived, at ResponseStarted for long-running requests, and at
 * ResponseComplete when the response is over (or the client went away).
 */
export function withAudit(opts: AuditOptions): RequestHandler {
  return (req, res, next) => {
    const ac = startAudit(req, opts);
    if (!ac) {
      next();
      return;
    }
    processEventStage(ac, 'RequestReceived');
    const longRunning = isLongRunning(requestInfoFrom(req));
    let started = false;
    onResponseStart(res, () => {
      started = true;
      if (longRunning) processEventStage(ac, 'ResponseStarted');
    }, ac);
    let completed = false;
    const complete = () => {
      if (completed || ac.panicked) return;
      completed = true;
      processEventStage(ac, 'ResponseComplete');
    };
    res.once('close', () => {
      if (res.writableEnded) {
        complete();
        return;
      }
      // The client left while the handler works: as kube's deferred completion, wait
      // for the handler to answer (a write may still succeed and must be logged as one).
      const end = res.end;
      const timer = setTimeout(() => {
        if (completed) return;
        // Nothing was written in time (kube's "Connection closed early").
        ac.event.responseStatus ??= { metadata: {}, status: 'Success', message: 'Connection closed early', code: 200 };
        if (longRunning && !started) processEventStage(ac, 'ResponseStarted');
        complete();
      }, opts.closedEarlyGraceMs ?? CLOSED_EARLY_GRACE_MS);
      timer.unref();
      res.end = function (this: Response, ...args: unknown[]) {
        res.end = end;
        const out = (end as (...a: unknown[]) => Response).apply(this, args);
        clearTimeout(timer);
        complete();
        return out;
      } as Response['end'];
    });
    next();
  };
}

/**
 * kube's WithFailedAuthenticationAudit: a 401 from authentication never
 * reaches withAudit, so this error handler, installed right after
 * authentication, audits it with no user. As kube, such a request has one
 * stage, ResponseStarted. Other errors pass untouched.
 */
export function withFailedAuthenticationAudit(opts: AuditOptions): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (!isStatusError(err) || err.status.code !== 401 || userFrom(req)) {
      next(err);
      return;
    }
    const ac = startAudit(req, opts);
    if (ac) {
      ac.event.responseStatus = { metadata: {}, message: authMethods(req) };
      onResponseStart(res, () => processEventStage(ac, 'ResponseStarted'), ac);
    }
    next(err);
  };
}

/** The policy's level for this request; above None, its audit context, set on the request. */
function startAudit(req: Request, opts: AuditOptions): AuditContext | undefined {
  const attrs = attributesOf(req, requestInfoFrom(req));
  const config = opts.evaluate(attrs);
  if (config.level === 'None') return undefined;
  const ac: AuditContext = {
    config,
    sink: opts.sink,
    event: newEvent(req, { level: config.level, auditID: auditIDFrom(req) ?? '', attrs, receivedAt: microTime() }),
  };
  setAuditContext(req, ac);
  return ac;
}

function attributesOf(req: Request, info: RequestInfo | undefined): AuditAttributes & { apiVersion: string } {
  return {
    user: userFrom(req),
    verb: info?.verb ?? req.method.toLowerCase(),
    isResourceRequest: info?.isResourceRequest ?? false,
    path: info?.path ?? req.path,
    namespace: info?.namespace ?? '',
    apiGroup: info?.apiGroup ?? '',
    apiVersion: info?.apiVersion ?? '',
    resource: info?.resource ?? '',
    subresource: info?.subresource ?? '',
    name: info?.name ?? '',
  };
}

/**
 * Calls back once, when the status line is about to be sent: every way of
 * answering (end, write, flushHeaders) goes through writeHead.
 */
function onResponseStart(res: Response, started: (() => void) | undefined, ac: AuditContext): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    res.writeHead = writeHead;
    const code = typeof args[0] === 'number' ? args[0] : res.statusCode;
    const status = (ac.event.responseStatus ??= { metadata: {} });
    status.code = code;
    started?.();
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
}

/** kube's getAuthMethods: which credentials a refused request carried. */
function authMethods(req: Request): string {
  const methods: string[] = [];
  const auth = (req.headers.authorization ?? '').trim();
  const scheme = auth.split(' ')[0]?.toLowerCase();
  if (scheme === 'basic') methods.push('basic');
  if (scheme === 'bearer' && auth.split(' ').length > 1) methods.push('bearer');
  if (typeof req.query.access_token === 'string' && req.query.access_token.trim() !== '') methods.push('access_token');
  const socket = req.socket as { getPeerCertificate?: () => { raw?: Buffer } | null };
  if (socket.getPeerCertificate?.()?.raw) methods.push('x509');
  return methods.length > 0 ? `Authentication failed, attempted: ${methods.join(', ')}` : 'Authentication failed, no credentials provided';
}
