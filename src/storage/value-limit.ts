import { CorruptObjError, ObjectTooLargeError } from './errors.js';
import type { StorageLogger } from './logger.js';

/**
 * The largest stored value a backend decodes (bytes of its JSON). kube bounds a
 * stored object by etcd's request limit (--max-request-bytes, 1.5 MiB by
 * default); members are often run with more (our tests use 3 MiB), and a value
 * written before any limit existed may be far larger (100 MB objects built from
 * YAML aliases were once accepted). 16 MiB is ten times etcd's default, so no
 * object a kube-sized limit let in is ever refused, while one read can never pin
 * more than that much text (and the objects parsed from it).
 */
export const MAX_DECODED_VALUE_BYTES = 16 * 1024 * 1024;

/** Throws CorruptObjError when a value of `size` bytes must not be decoded. */
export function checkValueSize(key: string, size: number, revision = 0, limit = MAX_DECODED_VALUE_BYTES): void {
  if (size > limit) throw new CorruptObjError(key, size, limit, revision);
}

/**
 * For lists and initial loads: true when the value may be decoded; otherwise
 * logs the key and its size (an operator must delete or shrink it) and the
 * caller skips it, so one oversized object never keeps the rest from serving.
 */
export function decodableOrLogged(logger: StorageLogger, key: string, size: number, limit = MAX_DECODED_VALUE_BYTES): boolean {
  if (size <= limit) return true;
  logger.error('skipping a stored object too large to decode', { key, bytes: size, limitBytes: limit });
  return false;
}

/**
 * The largest value a write may store (bytes of its JSON): etcd's default
 * --max-request-bytes, which bounds every object kube-apiserver stores, so an
 * object that fits here fits any etcd kube would run against, and SQLite keeps
 * the same bound.
 */
export const MAX_STORED_VALUE_BYTES = 1536 * 1024;

/** Throws ObjectTooLargeError when the encoded value is over MAX_STORED_VALUE_BYTES. */
export function checkStoredValueSize(key: string, value: string | Buffer, limit = MAX_STORED_VALUE_BYTES): void {
  // A string's UTF-8 size lies between its length and three times it: count bytes only in between.
  if (typeof value === 'string' && value.length * 3 <= limit) return;
  const size = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  if (size > limit) throw new ObjectTooLargeError(key, size, limit);
}
