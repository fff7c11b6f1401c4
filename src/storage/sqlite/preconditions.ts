import { ConflictError } from '../errors.js';
import type { Preconditions, StoredObject } from '../interfaces.js';

/** Kube's Preconditions.Check: a uid or resourceVersion mismatch is a ConflictError naming both values. */
export function checkPreconditions(key: string, preconditions: Preconditions | undefined, current: StoredObject): void {
  if (!preconditions) return;
  const meta = current.metadata ?? {};
  if (preconditions.uid !== undefined && preconditions.uid !== meta.uid) {
    throw new ConflictError(
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${meta.uid ?? ''}`,
      key,
    );
  }
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== meta.resourceVersion) {
    throw new ConflictError(
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
      key,
    );
  }
}
