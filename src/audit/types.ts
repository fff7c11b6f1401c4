/**
 * audit.k8s.io/v1 as kube writes it: the Policy read from --audit-policy-file
 * and the Event written to the audit log. Field order in these types is the
 * order kube's JSON has, and the event encoder keeps it.
 */

export const AUDIT_API_VERSION = 'audit.k8s.io/v1';

export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export const LEVELS: readonly Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];

export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';
export const STAGES: readonly Stage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

/** kube's Level.Less: None < Metadata < Request < RequestResponse. */
export const levelLess = (a: Level, b: Level): boolean => LEVELS.indexOf(a) < LEVELS.indexOf(b);

export interface GroupResources {
  /** '' is the core group; '*' any group. */
  group?: string;
  /** 'pods', 'pods/log', '*', '*\/status', 'pods/*'; empty: every resource of the group. */
  resources?: string[];
  /** Empty: any name. */
  resourceNames?: string[];
}

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  /** '' matches cluster-scoped resources. */
  namespaces?: string[];
  /** Exact paths, '*', or a prefix ending in '*'. */
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

export interface Policy {
  apiVersion: string;
  kind: 'Policy';
  rules: PolicyRule[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** What the checker decided for one request (kube's RequestAuditConfig). */
export interface RequestAuditConfig {
  level: Level;
  omitStages: readonly Stage[];
  omitManagedFields: boolean;
}

/** authentication/v1 UserInfo as audit writes it. */
export interface AuditUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

/** A metav1.Status as audit keeps it (metadata is always `{}`). */
export interface ResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  details?: Record<string, unknown>;
  code?: number;
}

/** Already-encoded JSON (a request or response body), written into the event as it is. */
export class RawJSON {
  constructor(readonly json: string) {}
}

export interface AuditEvent {
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: AuditUserInfo;
  impersonatedUser?: AuditUserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  requestObject?: RawJSON;
  responseObject?: RawJSON;
  /** Microsecond RFC 3339, as metav1.MicroTime. */
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** Where finished stages go. processEvent must not block: it encodes and queues. */
export interface AuditSink {
  processEvent(event: AuditEvent): void;
  /** Writes out what is queued and releases the file; later events are dropped. */
  close(): Promise<void>;
}
