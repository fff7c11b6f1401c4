import { JSONPath } from 'jsonpath-plus';
import { ageColumn, translateTimestampSince } from '../../apis/shared/age.js';
import type { KubeObject } from '../../registry/object.js';
import type { TableColumn } from '../../registry/strategy.js';
import type { CustomResourceColumnDefinition } from '../customresourcedefinition/types.js';

const COLUMN_TYPES = new Set(['integer', 'number', 'string', 'boolean', 'date']);

/**
 * `kubectl get` columns of a custom resource from its version's
 * additionalPrinterColumns (kube's tableconvertor): each cell is the first
 * value its JSONPath finds, shown as its column type says (a date as an age);
 * nothing found is an empty cell. With no columns given, AGE alone, as kube.
 * JSONPath filters (`[?(@.type=="Ready")]`) are evaluated by jsonpath-plus in
 * its safe mode: a CRD's path can never run code.
 */
export function printerColumns(defs: readonly CustomResourceColumnDefinition[] | undefined): TableColumn[] {
  if (!defs || defs.length === 0) return [ageColumn()];
  return defs.map((d) => {
    const type = (COLUMN_TYPES.has(d.type) ? d.type : 'string') as TableColumn['type'];
    const path = toJSONPathPlus(d.jsonPath);
    return {
      name: d.name,
      type,
      ...(d.format ? { format: d.format } : {}),
      description: d.description ?? '',
      priority: d.priority ?? 0,
      cell: (obj: KubeObject, now: Date) => cellOf(obj, path, type, now),
    };
  });
}

/** kube's paths start at the object (".spec.x"); jsonpath-plus wants a root ("$.spec.x"). */
const toJSONPathPlus = (jsonPath: string): string => (jsonPath.startsWith('.') ? `$${jsonPath}` : `$.${jsonPath}`);

function cellOf(obj: KubeObject, path: string, type: TableColumn['type'], now: Date): string | number | boolean | null {
  let found: unknown[];
  try {
    found = JSONPath({ path, json: obj, wrap: true, eval: 'safe' }) as unknown[];
  } catch {
    // A path the CRD validation let through but that does not evaluate here: an empty cell, as kube prints one.
    return null;
  }
  if (found.length === 0 || found[0] === undefined || found[0] === null) return null;
  const v = found[0];
  switch (type) {
    case 'date':
      return translateTimestampSince(v, now);
    case 'integer':
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}
