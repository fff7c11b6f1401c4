/**
 * Typed storage errors, one class per condition. Only the registry maps these
 * to API Status errors (interpretXError); storage knows nothing of HTTP.
 */

export abstract class StorageError extends Error {
  abstract readonly code: StorageErrorCode;
  constructor(
    message: string,
    readonly key: string,
    readonly revision = 0,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type StorageErrorCode =
  | 'KeyNotFound'
  | 'KeyExists'
  | 'Conflict'
  | 'Expired'
  | 'TooLargeResourceVersion'
  | 'InvalidObj'
  | 'CorruptObj'
  | 'ObjectTooLarge'
  | 'Unavailable';

export class KeyNotFoundError extends StorageError {
  readonly code = 'KeyNotFound';
  constructor(key: string, revision = 0) {
    super(`key not found: ${key}`, key, revision);
  }
}

export class KeyExistsError extends StorageError {
  readonly code = 'KeyExists';
  constructor(key: string, revision = 0) {
    super(`key exists: ${key}`, key, revision);
  }
}

/** A precondition (uid, resourceVersion) did not hold; the message says which. */
export class ConflictError extends StorageError {
  readonly code = 'Conflict';
}

/** The revision asked for was compacted: the client must relist (410 Gone). */
export class ExpiredError extends StorageError {
  readonly code = 'Expired';
  constructor(key: string, revision: number, readonly compactedRevision: number) {
    super(`revision ${revision} has been compacted (the oldest readable revision is ${compactedRevision})`, key, revision);
  }
}

/** The revision asked for is newer than the newest committed one. */
export class TooLargeResourceVersionError extends StorageError {
  readonly code = 'TooLargeResourceVersion';
  constructor(key: string, revision: number, readonly currentRevision: number) {
    super(`revision ${revision} is newer than the current revision ${currentRevision}`, key, revision);
  }
}

/** The stored value cannot be decoded, or the object to write is not valid for storage. */
export class InvalidObjError extends StorageError {
  readonly code = 'InvalidObj';
}

/**
 * A stored value that cannot be served: larger than MAX_DECODED_VALUE_BYTES
 * (value-limit.ts), so it is never decoded. kube's storage has the same code
 * (ErrCodeCorruptObj, for values it cannot decode or decrypt) and its API answers
 * 500 InternalError: the client did nothing wrong and retrying will not help.
 */
export class CorruptObjError extends StorageError {
  readonly code = 'CorruptObj';
  constructor(key: string, readonly size: number, readonly limit: number, revision = 0) {
    super(`the object stored at ${key} is too large to decode (${size} bytes, the limit is ${limit} bytes)`, key, revision);
  }
}

/** An object to write whose stored form is over the limit for one value (value-limit.ts); the API answers 413. */
export class ObjectTooLargeError extends StorageError {
  readonly code = 'ObjectTooLarge';
  constructor(key: string, readonly size: number, readonly limit: number) {
    super(`the object is ${size} bytes when stored, more than the limit of ${limit} bytes`, key);
  }
}

/** The backend cannot be reached now; the API answers 503 and the client retries. */
export class UnavailableError extends StorageError {
  readonly code = 'Unavailable';
  constructor(message: string, key = '', options?: { cause?: unknown }) {
    super(message, key);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

export const isStorageError = (err: unknown): err is StorageError => err instanceof StorageError;
export const isKeyNotFound = (err: unknown): err is KeyNotFoundError => err instanceof KeyNotFoundError;
export const isKeyExists = (err: unknown): err is KeyExistsError => err instanceof KeyExistsError;
export const isConflict = (err: unknown): err is ConflictError => err instanceof ConflictError;
export const isExpired = (err: unknown): err is ExpiredError => err instanceof ExpiredError;
export const isTooLargeResourceVersion = (err: unknown): err is TooLargeResourceVersionError =>
  err instanceof TooLargeResourceVersionError;
export const isCorruptObj = (err: unknown): err is CorruptObjError => err instanceof CorruptObjError;
export const isObjectTooLarge = (err: unknown): err is ObjectTooLargeError => err instanceof ObjectTooLargeError;
export const isUnavailable = (err: unknown): err is UnavailableError => err instanceof UnavailableError;

/**
 * An error's message followed by its causes' ("etcd is unavailable: ...: connect
 * ECONNREFUSED"), for logs: the root cause is what an operator acts on.
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    const message = cur instanceof Error ? cur.message : String(cur);
    if (!parts.some((p) => p.includes(message))) parts.push(message);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': ');
}
