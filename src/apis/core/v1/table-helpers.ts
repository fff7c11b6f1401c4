/**
 * What kube's printers share across the core kinds' `kubectl get` columns:
 * the AGE cell (translateTimestampSince over apimachinery's HumanDuration),
 * its description, and labels.FormatLabels. `now` is passed in so a table
 * is a pure function of the object and the clock.
 */
import type { KubeObject } from '../../../registry/object.js';
import type { TableColumn } from '../../../registry/strategy.js';

// The AGE column is shared by every group's kinds.
export { ageColumn, CREATION_TIMESTAMP_DESCRIPTION, humanDuration, translateTimestampSince } from '../../shared/age.js';

/** kube's labels.FormatLabels: sorted `k=v` pairs joined by commas, "<none>" when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${(labels ?? {})[k]}`).join(',');
}

/** A string column at `priority` whose cell is `cell`. */
export function stringColumn<T extends KubeObject>(
  name: string,
  description: string,
  cell: TableColumn<T>['cell'],
  priority = 0,
): TableColumn<T> {
  return { name, type: 'string', description, priority, cell };
}
