import { failureStatus, type Status, type StatusDetails, type StatusReason } from './status.js';

/**
 * An error that carries the Status the client will see. Everything a handler
 * throws on purpose is one of these; anything else is a bug and leaves as a 500.
 */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? `status ${status.code}`);
    this.name = 'StatusError';
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason {
    return this.status.reason ?? '';
  }
}

/** A group and resource, as in kube's schema.GroupResource ("pods", "deployments.apps"). */
export interface GroupResource {
  group: string;
  resource: string;
}

const grString = (gr: GroupResource): string => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

/** kube's StatusDetails fields are omitempty: a core-group resource has no "group", a collection no "name". */
function grDetails(gr: GroupResource, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (gr.group) details.group = gr.group;
  if (gr.resource) details.kind = gr.resource;
  return details;
}

const make = (code: number, reason: StatusReason, message: string, details?: StatusDetails): StatusError =>
  new StatusError(failureStatus(code, reason, message, details));

export const newBadRequest = (message: string): StatusError => make(400, 'BadRequest', message);

export const newUnauthorized = (message = 'Unauthorized'): StatusError => make(401, 'Unauthorized', message);

/** kube's shapes: "forbidden: R", "pods is forbidden: R", `pods "web" is forbidden: R`. */
export function newForbidden(gr: GroupResource, name: string, reason: string): StatusError {
  let message: string;
  if (!gr.resource && !gr.group) message = `forbidden: ${reason}`;
  else if (!name) message = `${grString(gr)} is forbidden: ${reason}`;
  else message = `${grString(gr)} "${name}" is forbidden: ${reason}`;
  return make(403, 'Forbidden', message, grDetails(gr, name));
}

export function newNotFound(gr: GroupResource, name: string): StatusError {
  return make(404, 'NotFound', `${grString(gr)} "${name}" not found`, grDetails(gr, name));
}

export function newAlreadyExists(gr: GroupResource, name: string): StatusError {
  return make(409, 'AlreadyExists', `${grString(gr)} "${name}" already exists`, grDetails(gr, name));
}

export function newConflict(gr: GroupResource, name: string, reason: string): StatusError {
  return make(409, 'Conflict', `Operation cannot be fulfilled on ${grString(gr)} "${name}": ${reason}`, grDetails(gr, name));
}

export const newGone = (message: string): StatusError => make(410, 'Gone', message);

export const newResourceExpired = (message: string): StatusError => make(410, 'Expired', message);

export const newMethodNotSupported = (gr: GroupResource, action: string): StatusError =>
  make(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${grString(gr)}"`, grDetails(gr));

export const newNotAcceptable = (message: string): StatusError => make(406, 'NotAcceptable', message);

export const newRequestEntityTooLarge = (message: string): StatusError => make(413, 'RequestEntityTooLarge', message);

export const newUnsupportedMediaType = (message: string): StatusError => make(415, 'UnsupportedMediaType', message);

export const newTooManyRequests = (message: string, retryAfterSeconds: number): StatusError =>
  make(429, 'TooManyRequests', message, { retryAfterSeconds });

export const newInternalError = (cause: string): StatusError =>
  make(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });

export const newServiceUnavailable = (message: string, retryAfterSeconds?: number): StatusError =>
  make(503, 'ServiceUnavailable', message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });

export const newTimeout = (message: string, retryAfterSeconds: number): StatusError =>
  make(504, 'Timeout', message, { retryAfterSeconds });

export const isStatusError = (err: unknown): err is StatusError => err instanceof StatusError;

/** Reason first, then code, as kube's IsX do; never the message text. */
const has = (reason: StatusReason, code: number) => (err: unknown): boolean =>
  isStatusError(err) && (err.reason === reason || (err.reason === '' && err.code === code));

export const isNotFound = has('NotFound', 404);
export const isAlreadyExists = has('AlreadyExists', 409);
export const isConflict = has('Conflict', 409);
export const isForbidden = has('Forbidden', 403);
export const isUnauthorized = has('Unauthorized', 401);
export const isBadRequest = has('BadRequest', 400);
export const isServiceUnavailable = has('ServiceUnavailable', 503);
