/**
 * kube's omitManagedFields: an object, each item of a list, or each row's
 * object of a Table, without metadata.managedFields. Returns the object itself when there is nothing to
 * drop, so the common case copies nothing.
 */
export function withoutManagedFields(obj: Record<string, unknown>): Record<string, unknown> {
  const rows = obj.rows;
  if (obj.kind === 'Table' && Array.isArray(rows) && rows.some((r) => hasManagedFields(rowObject(r)))) {
    return { ...obj, rows: rows.map((r) => (hasManagedFields(rowObject(r)) ? { ...(r as object), object: strip(rowObject(r) as Stripped) } : r)) };
  }
  const items = obj.items;
  if (Array.isArray(items) && items.some(hasManagedFields)) {
    return { ...obj, items: items.map((i) => (hasManagedFields(i) ? strip(i) : i)) };
  }
  return hasManagedFields(obj) ? strip(obj) : obj;
}

function hasManagedFields(v: unknown): v is Record<string, unknown> & { metadata: Record<string, unknown> } {
  if (typeof v !== 'object' || v === null) return false;
  const meta = (v as Record<string, unknown>).metadata;
  return typeof meta === 'object' && meta !== null && 'managedFields' in meta;
}

type Stripped = Record<string, unknown> & { metadata: Record<string, unknown> };

const rowObject = (row: unknown): unknown => (typeof row === 'object' && row !== null ? (row as Record<string, unknown>).object : undefined);

function strip(obj: Stripped): Record<string, unknown> {
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
