/**
 * Turns what the etcd3 client throws into typed storage errors. Two families
 * matter: "etcd cannot answer now" (gRPC UNAVAILABLE, DEADLINE_EXCEEDED,
 * CANCELLED, a refused connection, a leader election in progress), which
 * becomes UnavailableError so the API answers 503; and etcd's revision errors
 * (compacted, future), which become ExpiredError and TooLargeResourceVersionError.
 */
import {
  ClientClosedError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
} from 'etcd3';
import { StorageError, UnavailableError } from '../errors.js';

/** gRPC status codes that mean "try again later" rather than "your request is wrong". */
const UNAVAILABLE_CODES = new Set([
  1, // CANCELLED: the channel was closed under the call (reconnect after a failure)
  4, // DEADLINE_EXCEEDED: requestTimeoutMs passed
  14, // UNAVAILABLE: no connection, or it dropped
]);

/** etcd server messages that mean the cluster cannot serve for a moment. */
const UNAVAILABLE_MESSAGES = [
  'etcdserver: leader changed',
  'etcdserver: no leader',
  'etcdserver: request timed out',
  'etcdserver: too many requests',
  'etcdserver: server stopped',
  'etcdserver: not capable',
  'ECONNREFUSED',
  'No connection established',
];

export const COMPACTED_MESSAGE = 'etcdserver: mvcc: required revision has been compacted';
export const FUTURE_REVISION_MESSAGE = 'etcdserver: mvcc: required revision is a future revision';
export const REQUEST_TOO_LARGE_MESSAGE = 'etcdserver: request is too large';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function isCompactedError(err: unknown): boolean {
  return messageOf(err).includes(COMPACTED_MESSAGE);
}

export function isFutureRevisionError(err: unknown): boolean {
  return messageOf(err).includes(FUTURE_REVISION_MESSAGE);
}

export function isRequestTooLargeError(err: unknown): boolean {
  return messageOf(err).includes(REQUEST_TOO_LARGE_MESSAGE);
}

/** True when the error means etcd could not be reached or could not answer in time. */
export function isUnavailableError(err: unknown): boolean {
  if (err instanceof UnavailableError) return true;
  if (
    err instanceof GRPCUnavailableError ||
    err instanceof GRPCDeadlineExceededError ||
    err instanceof GRPCCancelledError ||
    err instanceof ClientClosedError
  ) {
    return true;
  }
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return true;
  const message = messageOf(err);
  return UNAVAILABLE_MESSAGES.some((m) => message.includes(m));
}

/** An UnavailableError for `key`, keeping the client's error as the cause. */
export function unavailable(err: unknown, key = ''): UnavailableError {
  if (err instanceof UnavailableError) return err;
  return new UnavailableError(`etcd is unavailable: ${messageOf(err)}`, key, { cause: err });
}

/**
 * Maps the errors every verb shares (unavailability); revision errors need the
 * verb's context (which revision was asked for) and are mapped by the caller
 * first. Anything else is returned unchanged: it is a bug or an unexpected
 * etcd answer, and the API turns it into a 500.
 */
export function mapEtcdError(err: unknown, key: string): unknown {
  if (err instanceof StorageError) return err;
  if (isUnavailableError(err)) return unavailable(err, key);
  return err;
}
