/**
 * kube's omitManagedFields: an object, or each item of a list, without
 * metadata.managedFields. Returns the object itself when there is nothing to
 * drop, so the common case copies nothing.
 */
export function withoutManagedFields(obj: Record<string, unknown>): Record<string, unknown> {
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

function strip(obj: Record<string, unknown> & { metadata: Record<string, unknown> }): Record<string, unknown> {
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
