import { recordAuditEvent } from '../observability/metrics/server-metrics.js';
import type { IncomingMessage } from 'node:http';
import type { Status } from '../apimachinery/status.js';
import type { UserInfo } from '../auth/user.js';
import { microTime, toAuditUser } from './event.js';
import { withoutManagedFields } from './managed-fields.js';
import { dropSecretData, isSecretRef } from './secrets.js';
import { levelLess, RawJSON, type AuditEvent, type AuditSink, type RequestAuditConfig, type Stage } from './types.js';

/**
 * The audit state of one request whose level is above None (kube's
 * AuditContext). Requests that are not audited have none, so every hook below
 * costs them one WeakMap miss and nothing else.
 */
export interface AuditContext {
  event: AuditEvent;
  config: RequestAuditConfig;
  sink: AuditSink;
  /** Set once the request ended in a handler bug: its Panic event is its last. */
  panicked?: boolean;
}

const contexts = new WeakMap<IncomingMessage, AuditContext>();

export const setAuditContext = (req: IncomingMessage, ac: AuditContext): void => void contexts.set(req, ac);
export const auditContextFrom = (req: IncomingMessage): AuditContext | undefined => contexts.get(req);

/** Sends the event as it is now, at this stage, unless the policy omits the stage. */
export function processEventStage(ac: AuditContext, stage: Stage): void {
  if (ac.config.omitStages.includes(stage)) return;
  ac.event.stage = stage;
  const now = microTime();
  // Same-format UTC strings order as times: a stage never precedes the request's arrival, even across a clock step.
  ac.event.stageTimestamp = stage === 'RequestReceived' || now < ac.event.requestReceivedTimestamp ? ac.event.requestReceivedTimestamp : now;
  recordAuditEvent();
  ac.sink.processEvent(ac.event);
}

/**
 * The decoded body of a create, update or delete (kube's LogRequestObject): it
 * names the object when the URL did not, and is kept from Request level on.
 * Below RequestResponse a Secret's values are dropped.
 */
export function auditRequestObject(req: IncomingMessage, obj: Record<string, unknown>): void {
  const ac = contexts.get(req);
  if (!ac) return;
  const ev = ac.event;
  const meta = obj.metadata;
  if (typeof meta === 'object' && meta !== null) {
    const m = meta as Record<string, unknown>;
    const ref = (ev.objectRef ??= {});
    for (const k of ['namespace', 'name', 'uid', 'resourceVersion'] as const) {
      if (!ref[k] && typeof m[k] === 'string' && m[k] !== '') ref[k] = m[k];
    }
  }
  if (levelLess(ev.level, 'Request')) return;
  // Encoded now: handlers go on to change the object they decoded.
  const trimmed = ac.config.omitManagedFields ? withoutManagedFields(obj) : obj;
  const kept = levelLess(ev.level, 'RequestResponse') && isSecretRef(ev.objectRef) ? dropSecretData(trimmed) : trimmed;
  ev.requestObject = new RawJSON(JSON.stringify(kept));
}

/** A patch body, parsed (kube's LogRequestPatch), from Request level on; a Secret's values are dropped below RequestResponse. */
export function auditRequestPatch(req: IncomingMessage, parsed: unknown): void {
  const ac = contexts.get(req);
  if (!ac || levelLess(ac.event.level, 'Request')) return;
  const ev = ac.event;
  const kept = levelLess(ev.level, 'RequestResponse') && isSecretRef(ev.objectRef) ? dropSecretData(parsed) : parsed;
  ev.requestObject = new RawJSON(JSON.stringify(kept));
}

/**
 * The object a handler answers with (kube's LogResponseObject): kept at
 * RequestResponse only. `json` is the body already encoded as JSON, if it was.
 */
export function auditResponseObject(req: IncomingMessage, obj: Record<string, unknown>, json?: Buffer): void {
  const ac = contexts.get(req);
  if (!ac) return;
  // A Status answer (a delete, a binding) also says how the request ended, at every level.
  if (obj.kind === 'Status' && typeof obj.code === 'number') auditResponseStatus(req, obj as unknown as Status);
  if (ac.event.level !== 'RequestResponse') return;
  const trimmed = ac.config.omitManagedFields ? withoutManagedFields(obj) : obj;
  ac.event.responseObject = new RawJSON(json && trimmed === obj ? json.toString('utf8') : JSON.stringify(trimmed));
}

/** A Status answer: its fields become responseStatus at every level, and it is the responseObject at RequestResponse. */
export function auditResponseStatus(req: IncomingMessage, status: Status, json?: string): void {
  const ac = contexts.get(req);
  if (!ac) return;
  const ev = ac.event;
  ev.responseStatus = {
    metadata: {},
    ...(status.status ? { status: status.status } : {}),
    ...(status.message ? { message: status.message } : {}),
    ...(status.reason ? { reason: status.reason } : {}),
    ...(status.details ? { details: { ...status.details } } : {}),
    code: status.code,
  };
  if (ev.level === 'RequestResponse') ev.responseObject = new RawJSON(json ?? JSON.stringify(status));
}

/** kube's AddAuditAnnotations; a key keeps its first value. */
export function addAuditAnnotations(req: IncomingMessage, annotations: Record<string, string>): void {
  const ac = contexts.get(req);
  if (!ac) return;
  const into = (ac.event.annotations ??= {});
  for (const [k, v] of Object.entries(annotations)) if (!(k in into)) into[k] = v;
}

/** The user an impersonating request acts as (kube's LogImpersonatedUser). */
export function auditImpersonatedUser(req: IncomingMessage, user: UserInfo): void {
  const ac = contexts.get(req);
  if (!ac) return;
  ac.event.impersonatedUser = toAuditUser(user);
}

/**
 * A handler bug (kube's recovered panic): the event goes out at stage Panic
 * with a 500 and the error, and no ResponseComplete follows.
 */
export function auditPanic(req: IncomingMessage, err: unknown): void {
  const ac = contexts.get(req);
  if (!ac || ac.panicked) return;
  ac.panicked = true;
  ac.event.responseStatus = { metadata: {}, status: 'Failure', message: `APIServer panic'd: ${err instanceof Error ? err.message : String(err)}`, code: 500 };
  processEventStage(ac, 'Panic');
}
