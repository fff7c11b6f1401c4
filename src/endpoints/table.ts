import type { KubeObject } from '../registry/object.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import type { Rendering } from './negotiation.js';
import { wholeList, type ListBody } from './responsewriters/list.js';

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

/** PartialObjectMetadataList, its items made as they are written. */
export function partialObjectMetadataList(items: readonly KubeObject[], listMeta: Record<string, unknown>): ListBody<KubeObject> {
  return {
    envelope: { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta },
    key: 'items',
    items,
    map: partialObjectMetadata,
  };
}

/**
 * meta.k8s.io/v1 Table for `kubectl get`: kube's columns for the kind, one row
 * per object, made as they are written; `rows` is the envelope's last field.
 * Every row's AGE is as of one `now`.
 */
export function tableList(
  def: ResourceDefinition,
  items: readonly KubeObject[],
  listMeta: Record<string, unknown>,
  rendering: Rendering,
  opts: { columns?: boolean; now?: Date } = {},
): ListBody<KubeObject> {
  const now = opts.now ?? new Date();
  // Kinds whose table names the object elsewhere (events: last, at priority 1) carry their own name column.
  const ownName = def.tableColumns.some((c) => c.format === 'name');
  const columnDefinitions =
    opts.columns === false
      ? null
      : [
          ...(ownName ? [] : [NAME_COLUMN]),
          ...def.tableColumns.map((c) => ({
            name: c.name,
            type: c.type,
            format: c.format ?? '',
            description: c.description,
            priority: c.priority,
          })),
        ];
  const row = (obj: KubeObject): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      cells: [...(ownName ? [] : [obj.metadata?.name ?? '']), ...def.tableColumns.map((c) => c.cell(obj, now))],
    };
    if (rendering.includeObject === 'Object') out.object = obj;
    else if (rendering.includeObject !== 'None') out.object = partialObjectMetadata(obj);
    return out;
  };
  return {
    envelope: { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions },
    key: 'rows',
    items,
    map: row,
  };
}

/** The whole Table at once (a single object's, a watch event's). */
export function toTable(
  def: ResourceDefinition,
  items: readonly KubeObject[],
  listMeta: Record<string, unknown>,
  rendering: Rendering,
  opts: { columns?: boolean; now?: Date } = {},
): Record<string, unknown> {
  return wholeList(tableList(def, items, listMeta, rendering, opts));
}
