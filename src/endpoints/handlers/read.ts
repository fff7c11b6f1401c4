import type { Request, Response } from 'express';
import { requestSignalFrom } from '../request/abort.js';
import { writeList } from '../responsewriters/list.js';
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
  // Written in batches that yield to the event loop, in every format: lists are the large answers.
  await writeList(res, 200, transformList(ctx, result.items, listMeta, rendering), rendering, signal);
}
