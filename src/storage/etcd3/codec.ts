/**
 * Values in etcd are the object's JSON without `metadata.resourceVersion`: the
 * revision lives in etcd's mod_revision, and is put back on every object read.
 */
import { ConflictError, InvalidObjError } from '../errors.js';
import type { Preconditions, StoredObject } from '../interfaces.js';
import { checkStoredValueSize, checkValueSize } from '../value-limit.js';

/** The bytes to store: a copy of obj without metadata.resourceVersion (obj is not changed); ObjectTooLargeError over maxBytes. */
export function encodeObject(key: string, obj: StoredObject, maxBytes: number): Buffer {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new InvalidObjError(`object to store at ${key} is not a JSON object`, key);
  }
  const value = Buffer.from(JSON.stringify(withoutResourceVersion(obj)));
  checkStoredValueSize(key, value, maxBytes);
  return value;
}

export function withoutResourceVersion(obj: StoredObject): StoredObject {
  if (!obj.metadata || obj.metadata.resourceVersion === undefined) return obj;
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** A fresh object from stored bytes, with resourceVersion set to `revision`; CorruptObjError when too large (value-limit.ts). */
export function decodeObject(key: string, value: Buffer, revision: number | string): StoredObject {
  checkValueSize(key, value.length, Number(revision));
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    throw new InvalidObjError(`cannot decode the value stored at ${key}: ${(err as Error).message}`, key, Number(revision));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidObjError(`the value stored at ${key} is not a JSON object`, key, Number(revision));
  }
  const obj = parsed as StoredObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

/** Structural equality of JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // JSON.stringify drops undefined fields, so they do not count as differences.
  const aKeys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bKeys = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((k) => jsonEqual(ao[k], bo[k]));
}

/** kube's Preconditions.Check: a ConflictError naming both values when one does not hold. */
export function checkPreconditions(key: string, pre: Preconditions | undefined, current: StoredObject): void {
  if (!pre) return;
  const meta = current.metadata ?? {};
  if (pre.uid !== undefined && pre.uid !== meta.uid) {
    throw new ConflictError(
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`,
      key,
      Number(meta.resourceVersion ?? 0),
    );
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== meta.resourceVersion) {
    throw new ConflictError(
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
      key,
      Number(meta.resourceVersion ?? 0),
    );
  }
}
