import { StatusError } from '../status-error.js';
import { failureStatus } from '../status.js';
import { pathString } from './field-set.js';
import type { Conflict } from './updater.js';

/** A manager identity as kube prints it: `"kubectl"`, `"ctl" using apps/v1`, `"x" with subresource "status"`. */
export function printManager(identity: string): string {
  let e: { manager?: unknown; operation?: unknown; apiVersion?: unknown; subresource?: unknown };
  try {
    e = JSON.parse(identity) as typeof e;
  } catch {
    return JSON.stringify(identity);
  }
  let out = JSON.stringify(typeof e.manager === 'string' ? e.manager : '');
  if (typeof e.subresource === 'string' && e.subresource) out += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') out += ` using ${typeof e.apiVersion === 'string' ? e.apiVersion : ''}`;
  return out;
}

/** kube's NewConflictError: 409 Conflict, one FieldManagerConflict cause per field, managers in name order. */
export function conflictStatusError(conflicts: readonly Conflict[]): StatusError {
  const sorted = [...conflicts].sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
  const causes = sorted.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (sorted.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(sorted[0]!.manager)}: ${pathString(sorted[0]!.path)}`;
  } else {
    const lines: string[] = [];
    let current: string | undefined;
    for (const c of sorted) {
      if (c.manager !== current) {
        current = c.manager;
        lines.push(`conflicts with ${printManager(c.manager)}:`);
      }
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(failureStatus(409, 'Conflict', message, { causes }));
}
