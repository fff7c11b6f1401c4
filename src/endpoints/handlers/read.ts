import type { Request, Response } from 'express';
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
  const result = await ctx.store.list(info.namespace, listOptions(req));
  const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) listMeta.continue = result.continue;
  if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
  writeObject(res, 200, transformList(ctx, result.items, listMeta, rendering), rendering);
}
