import { AUDIT_API_VERSION, RawJSON, type AuditEvent, type ObjectReference } from './types.js';

const OBJECT_REF_ORDER: (keyof ObjectReference)[] = ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'];

/**
 * One audit.k8s.io/v1 Event as a JSON line, in kube's field order. Request and
 * response bodies were encoded when they were recorded and are written as they are.
 */
export function encodeEvent(ev: AuditEvent): string {
  const parts: string[] = [`"kind":"Event","apiVersion":${JSON.stringify(AUDIT_API_VERSION)}`];
  const put = (key: string, value: unknown) => {
    if (value === undefined) return;
    parts.push(`${JSON.stringify(key)}:${value instanceof RawJSON ? value.json : JSON.stringify(value)}`);
  };
  put('level', ev.level);
  put('auditID', ev.auditID);
  put('stage', ev.stage);
  put('requestURI', ev.requestURI);
  put('verb', ev.verb);
  put('user', ev.user);
  put('impersonatedUser', ev.impersonatedUser);
  put('sourceIPs', ev.sourceIPs);
  put('userAgent', ev.userAgent);
  put('objectRef', ev.objectRef && orderedObjectRef(ev.objectRef));
  put('responseStatus', ev.responseStatus);
  put('requestObject', ev.requestObject);
  put('responseObject', ev.responseObject);
  put('requestReceivedTimestamp', ev.requestReceivedTimestamp);
  put('stageTimestamp', ev.stageTimestamp);
  if (ev.annotations && Object.keys(ev.annotations).length > 0) put('annotations', ev.annotations);
  return `{${parts.join(',')}}`;
}

function orderedObjectRef(ref: ObjectReference): ObjectReference {
  const out: ObjectReference = {};
  for (const k of OBJECT_REF_ORDER) if (ref[k]) out[k] = ref[k];
  return out;
}
