import type { ObjectReference } from './types.js';
import { isJSONObject as isRecord } from '../apimachinery/json.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const SECRET_FIELDS = ['data', 'stringData'];

/** A core/v1 Secret (or a subresource of one). */
export const isSecretRef = (ref: ObjectReference | undefined): boolean => ref?.resource === 'secrets' && !ref.apiGroup;

/**
 * A Secret's request body without its values, for events below
 * RequestResponse: `data` and `stringData` go, and so does kubectl's
 * last-applied annotation, which is a copy of them. A JSON Patch (a list of
 * operations) loses the operations that touch them; a patch that replaces the
 * whole object is cleaned like an object. Metadata stays.
 */
export function dropSecretData(body: unknown): unknown {
  if (Array.isArray(body)) {
    return body
      .filter((op) => !touchesSecretValues(op))
      .map((op) => (isRecord(op) && 'value' in op ? cleanOpValue(op) : op));
  }
  if (!isRecord(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (SECRET_FIELDS.includes(k)) continue;
    out[k] = k === 'metadata' && isRecord(v) ? withoutLastApplied(v) : v;
  }
  return out;
}

/** An operation that writes the whole object, its metadata or its annotations carries the values too. */
function cleanOpValue(op: Record<string, unknown>): Record<string, unknown> {
  const v = op.value;
  if (op.path === '' || op.path === '/') return { ...op, value: dropSecretData(v) };
  if (op.path === '/metadata' && isRecord(v)) return { ...op, value: withoutLastApplied(v) };
  if (op.path === '/metadata/annotations' && isRecord(v)) return { ...op, value: withoutLastApplied({ annotations: v }).annotations };
  return op;
}

function withoutLastApplied(meta: Record<string, unknown>): Record<string, unknown> {
  const annotations = meta.annotations;
  if (!isRecord(annotations) || !(LAST_APPLIED in annotations)) return meta;
  const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
  return { ...meta, annotations: rest };
}

function touchesSecretValues(op: unknown): boolean {
  if (!isRecord(op)) return false;
  const paths = [op.path, op.from].filter((p): p is string => typeof p === 'string');
  return paths.some((p) => SECRET_FIELDS.some((f) => p === `/${f}` || p.startsWith(`/${f}/`)) || p === `/metadata/annotations/${LAST_APPLIED.replace(/~/g, '~0').replace(/\//g, '~1')}`);
}

