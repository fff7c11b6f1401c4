import type { Request, Response } from 'express';
import { requestSignalFrom } from '../request/abort.js';
import { writeJSONList } from '../responsewriters/json-list.js';
import { writeObject } from '../responsewriters/object.js';
import { listOptions, param } from '../query.js';
import { infoOf, renderingFor, transformList, transformObject, type ResourceContext } from './context.js';

export async function handleGet(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  const obj = await ctx.store.get(info.namespace, info.name, { resourceVersion: param(req, 'resourceVersion') });
  writeObject(res, 200, transformObject(ctx, obj, rendering), rendering);
}

export async function handleList(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, true);
  const signal = requestSignalFrom(req);
  const result = await ctx.store.list(info.namespace, listOptions(req));
  // Timed out (the 504 is sent) or the client left: nobody reads the list, so it is not serialized.
  if (signal?.aborted) return;
  const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) listMeta.continue = result.continue;
  if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
  const list = transformList(ctx, result.items, listMeta, rendering);
  // JSON lists, the large ones, are written in batches that yield to the event loop; other renderings at once.
  if (rendering.format === 'json' && rendering.as !== 'Table' && Array.isArray(list.items)) {
    const { items, ...envelope } = list;
    await writeJSONList(res, 200, envelope, items as unknown[], signal);
  } else {
    writeObject(res, 200, list, rendering);
  }
}
