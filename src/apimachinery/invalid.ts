import { StatusError } from './status-error.js';
import { failureStatus, type StatusDetails } from './status.js';
import { goQuote } from './validation/go-format.js';
import { aggregateMessage, type FieldError } from './validation/field-error.js';

/** A group and kind, as in kube's schema.GroupKind (group "" for the core group). */
export interface GroupKind {
  group: string;
  kind: string;
}

/**
 * kube's errors.NewInvalid: a 422 with reason Invalid, the message
 * `Kind.group "name" is invalid: <errors>` (one error bare, several in
 * brackets), and one cause per field error.
 */
export function newInvalid(gk: GroupKind, name: string, errs: readonly FieldError[]): StatusError {
  const qualifiedKind = gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
  const aggregated = aggregateMessage(errs);
  const message = `${qualifiedKind} ${goQuote(name)} is invalid${aggregated === undefined ? '' : `: ${aggregated}`}`;
  // Empty strings are left out, as kube's omitempty JSON tags leave them out.
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (gk.group) details.group = gk.group;
  if (gk.kind) details.kind = gk.kind;
  if (errs.length > 0) {
    details.causes = errs.map((e) =>
      e.field ? { reason: e.type, message: e.body(), field: e.field } : { reason: e.type, message: e.body() },
    );
  }
  return new StatusError(failureStatus(422, 'Invalid', message, details));
}
