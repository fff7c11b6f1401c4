import type { Request } from 'express';
import type { Lifecycle } from '../../server/lifecycle.js';
import type { Logger } from '../../observability/logger.js';
import type { KubeObject } from '../../registry/object.js';
import type { ResourceDefinition } from '../../registry/resource-definition.js';
import type { Requester, Store } from '../../registry/store.js';
import { requestInfoFrom, userFrom } from '../request/context.js';
import type { RequestInfo } from '../request/request-info.js';
import { newInternalError } from '../../apimachinery/status-error.js';
import type { KindSchema } from '../../apimachinery/type-node.js';
import { schemaForKind } from '../field-validation/schema.js';
import { hasProtobufEncoder } from '../responsewriters/object.js';
import { negotiate, type Rendering } from '../negotiation.js';
import type { ListBody } from '../responsewriters/list.js';
import { partialObjectMetadata, partialObjectMetadataList, tableList, toTable } from '../table.js';

/** What every verb handler of one resource needs. */
export interface ResourceContext {
  def: ResourceDefinition;
  store: Store;
  lifecycle?: Lifecycle;
  /** kube's --min-request-timeout: a watch without timeoutSeconds lasts between this and twice this; 0: until ended. */
  minRequestTimeoutSeconds?: number;
  /** Where a write's trouble that does not fail it is told (managedFields dropped). */
  logger?: Logger;
}

/** The served kind's schema: its definition's, or a built-in's Go type by group, version and kind. */
export function schemaOf(ctx: ResourceContext): KindSchema | undefined {
  const { group, version, kind } = ctx.def.info;
  return ctx.def.schema ?? schemaForKind(group ? `${group}/${version}` : version, kind);
}

export function infoOf(req: Request): RequestInfo {
  const info = requestInfoFrom(req);
  if (!info) throw newInternalError('no RequestInfo in the request context');
  return info;
}

/** Who makes this request, for the Store's admission checks. */
export function requesterOf(req: Request): Requester {
  return { user: userFrom(req), request: requestInfoFrom(req) };
}

export function renderingFor(req: Request, list: boolean): Rendering {
  return negotiate(req.headers.accept, { list, protobuf: hasProtobufEncoder() });
}

/** Applies the negotiated transformation (Table, PartialObjectMetadata) to one object. */
export function transformObject(ctx: ResourceContext, obj: KubeObject, rendering: Rendering): Record<string, unknown> {
  if (rendering.as === 'Table') return toTable(ctx.def, [obj], { resourceVersion: obj.metadata?.resourceVersion ?? '' }, rendering);
  if (rendering.as === 'PartialObjectMetadata') return partialObjectMetadata(obj);
  return obj;
}

/** Applies the negotiated transformation to a list; its elements are made as it is written. */
export function transformList(
  ctx: ResourceContext,
  items: KubeObject[],
  listMeta: Record<string, unknown>,
  rendering: Rendering,
): ListBody<KubeObject> {
  if (rendering.as === 'Table') return tableList(ctx.def, items, listMeta, rendering);
  if (rendering.as === 'PartialObjectMetadataList') return partialObjectMetadataList(items, listMeta);
  const { group, version } = ctx.def.info;
  return { envelope: { kind: ctx.store.listKind(), apiVersion: group ? `${group}/${version}` : version, metadata: listMeta }, key: 'items', items };
}
