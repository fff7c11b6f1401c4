import type { KubeObject } from '../registry/object.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import type { Rendering } from './negotiation.js';

/** The NAME column kube puts first for every kind. */
const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

export function partialObjectMetadata(obj: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

export function partialObjectMetadataList(items: KubeObject[], listMeta: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: items.map(partialObjectMetadata) };
}

/** meta.k8s.io/v1 Table for `kubectl get`: kube's columns for the kind, one row per object. */
export function toTable(
  def: ResourceDefinition,
  items: KubeObject[],
  listMeta: Record<string, unknown>,
  rendering: Rendering,
  opts: { columns?: boolean; now?: Date } = {},
): Record<string, unknown> {
  const now = opts.now ?? new Date();
  const table: Record<string, unknown> = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta };
  // Kinds whose table names the object elsewhere (events: last, at priority 1) carry their own name column.
  const ownName = def.tableColumns.some((c) => c.format === 'name');
  if (opts.columns !== false) {
    table.columnDefinitions = [
      ...(ownName ? [] : [NAME_COLUMN]),
      ...def.tableColumns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description,
        priority: c.priority,
      })),
    ];
  } else {
    table.columnDefinitions = null;
  }
  table.rows = items.map((obj) => {
    const row: Record<string, unknown> = {
      cells: [...(ownName ? [] : [obj.metadata?.name ?? '']), ...def.tableColumns.map((c) => c.cell(obj, now))],
    };
    if (rendering.includeObject === 'Object') row.object = obj;
    else if (rendering.includeObject !== 'None') row.object = partialObjectMetadata(obj);
    return row;
  });
  return table;
}
