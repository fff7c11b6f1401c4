import type { Request, Response } from 'express';
import { newBadRequest, newNotFound, newUnsupportedMediaType } from '../../apimachinery/status-error.js';
import type { KubeObject } from '../../registry/object.js';
import { decodeObjectBody, mediaTypeOf, readBody } from '../request-body.js';
import { writeObject } from '../responsewriters/object.js';
import { managerOf, writeOptions } from '../query.js';
import { infoOf, renderingFor, requesterOf, type ResourceContext } from './context.js';
import { checkReplicas, checkScaleVersion, getPath, replicasCannotBeEmpty, setPath, toScale } from './scale-view.js';
import { applyJSONPatch, mergePatch, supportedPatchTypes } from './patch.js';
import { APPLY_JSON, APPLY_YAML } from './apply.js';
import { handleApplyScale } from './scale-apply.js';
import { jsonNestsDeeperThan } from '../decode-bounds.js';
import * as fv from '../field-validation/index.js';
import { fieldManagerFor } from '../fieldmanager/field-manager.js';

export async function handleGetScale(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  writeObject(res, 200, toScale(ctx, await ctx.store.get(info.namespace, info.name)), { format: rendering.format });
}

/** PUT or PATCH of the Scale: only spec.replicas moves to the object, guarded by the Scale's resourceVersion. */
export async function handleUpdateScale(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  const isPatch = req.method === 'PATCH';
  const type = mediaTypeOf(req);
  if (isPatch && (type === APPLY_YAML || type === APPLY_JSON)) return handleApplyScale(ctx, req, res, type);
  const { dryRun, fieldManager } = writeOptions(req, isPatch ? 'PatchOptions' : 'UpdateOptions');
  const manager = managerOf(req, fieldManager);
  let body: unknown;
  if (isPatch) {
    const supported = supportedPatchTypes(ctx);
    if (!supported.includes(type)) {
      throw newUnsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`);
    }
    const text = (await readBody(req)).toString('utf8');
    if (jsonNestsDeeperThan(text)) throw newBadRequest('error decoding patch: exceeded max depth');
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw newBadRequest(`error decoding patch: ${(err as Error).message}`);
    }
    if (type !== 'application/json-patch+json' && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw newBadRequest(`error decoding patch: cannot unmarshal ${Array.isArray(body) ? 'array' : body === null ? 'null' : typeof body} into an object`);
    }
  } else {
    body = await decodeObjectBody(req);
  }
  const { obj } = await ctx.store.update(
    info.namespace,
    info.name,
    (current) => {
      if (!current) throw newNotFound({ group: ctx.def.info.group, resource: ctx.def.info.resource }, info.name);
      const specPath = ctx.def.scale!.specReplicasPath;
      const scale = toScale(ctx, current);
      // A custom resource without replicas: its Scale has none for a patch to keep (kube's invalidSpecReplicas).
      const had = typeof getPath(current, specPath) === 'number';
      if (!had) delete (scale.spec as { replicas?: number }).replicas;
      const patched: unknown = !isPatch
        ? body
        : type === 'application/json-patch+json'
          ? applyJSONPatch(scale, body)
          : mergePatch(scale, body);
      // The Scale is decoded as its kind: the fields read below must have their types.
      const wanted = fv.typedPatchedObject(patched, body, fv.schemaForKind('autoscaling/v1', 'Scale'), 'merge') as KubeObject;
      checkScaleVersion(ctx, wanted, current, info.name);
      const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
      if (isPatch && !had && replicas === undefined) throw replicasCannotBeEmpty(specPath);
      checkReplicas(replicas, info.name);
      const next = structuredClone(current);
      setPath(next, specPath, replicas);
      // Owned on the parent, as kube records a scale: the replicas field, subresource "scale".
      return fieldManagerFor(ctx.def, ctx.logger).update(current, next, manager, 'scale');
    },
    { dryRun, requester: requesterOf(req) },
  );
  writeObject(res, 200, toScale(ctx, obj), { format: rendering.format });
}

export const scaleHandlers = { get: handleGetScale, update: handleUpdateScale, patch: handleUpdateScale };
