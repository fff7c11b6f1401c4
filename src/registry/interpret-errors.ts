import {
  newAlreadyExists, newBadRequest, newConflict, newInternalError, newNotFound, newRequestEntityTooLarge, newResourceExpired, newServiceUnavailable, newTimeout,
  type GroupResource,
} from '../apimachinery/status-error.js';
import { failureStatus } from '../apimachinery/status.js';
import { StatusError } from '../apimachinery/status-error.js';
import { InvalidContinueError } from '../storage/continue-token.js';
import {
  isConflict, isCorruptObj, isExpired, isKeyExists, isKeyNotFound, isObjectTooLarge, isStorageError, isTooLargeResourceVersion, isUnavailable, InvalidObjError,
} from '../storage/errors.js';

/**
 * The one place storage errors become API errors (kube's storage/errors
 * InterpretXError). Anything that is not a storage error passes unchanged.
 */
export function interpretStorageError(err: unknown, gr: GroupResource, name: string, verb?: 'list' | 'continue'): unknown {
  if (err instanceof StatusError) return err;
  if (err instanceof InvalidContinueError) return newBadRequest(`invalid continue token: ${err.message}`);
  if (!isStorageError(err)) return err;
  if (isKeyNotFound(err)) return newNotFound(gr, name);
  if (isKeyExists(err)) return newAlreadyExists(gr, name);
  if (isConflict(err)) return newConflict(gr, name, err.message);
  // kube's etcd3 interpretListError words a compacted list read its own way.
  if (isExpired(err) && verb === 'list') return newResourceExpired('The resourceVersion for the provided list is too old.');
  // kube offers a token to go on inconsistently; ours cannot encode "latest", so this is its plain variant.
  if (isExpired(err) && verb === 'continue') {
    return newResourceExpired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
  }
  if (isExpired(err)) return newResourceExpired(`too old resource version: ${err.revision} (${err.compactedRevision})`);
  if (isTooLargeResourceVersion(err)) {
    // kube answers 504 with a retry hint: the cache may catch up.
    const e = newTimeout(`Too large resource version: ${err.revision}, current: ${err.currentRevision}`, 1);
    e.status.details = { ...e.status.details, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] };
    return e;
  }
  if (isUnavailable(err)) return newServiceUnavailable(`storage is unavailable: ${err.message}`, 1);
  // kube's corrupt-object answer: the stored value cannot be served, and a retry will not change that.
  if (isCorruptObj(err)) return newInternalError(err.message);
  if (err instanceof InvalidObjError) return newBadRequest(err.message);
  // etcd refuses such a write ("request is too large"); naming the limit tells the client what to shrink.
  if (isObjectTooLarge(err)) return newRequestEntityTooLarge(`Request entity too large: ${err.message}`);
  return new StatusError(failureStatus(500, 'InternalError', `Internal error occurred: ${err.message}`));
}
