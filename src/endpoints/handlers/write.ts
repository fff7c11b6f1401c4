import type { Request, Response } from 'express';
import { notSupported, type FieldError } from '../../apimachinery/validation/field-error.js';
import type { KubeObject } from '../../registry/object.js';
import { checkNamesMatchURL } from '../../registry/store.js';
import { decodeObjectBody, decodeObjectBodyWithRaw } from '../request-body.js';
import { validateBodyFields } from './field-validation.js';
import { apiVersionOf } from '../../registry/resource-info.js';
import { writeObject } from '../responsewriters/object.js';
import { listOptions, managerOf, writeOptions } from '../query.js';
import { fieldManagerFor } from '../fieldmanager/field-manager.js';
import { infoOf, renderingFor, requesterOf, schemaOf, transformObject, type ResourceContext } from './context.js';

/**
 * The body of a create or update, decoded, with its options read (after the
 * body, so a 413/415 comes first, as in kube) and its fields validated.
 */
async function decodeWriteBody(
  ctx: ResourceContext,
  req: Request,
  res: Response,
  optionsKind: 'CreateOptions' | 'UpdateOptions',
): Promise<{ body: KubeObject; dryRun: boolean; manager: string }> {
  let dryRun = false;
  let mode: 'Ignore' | 'Warn' | 'Strict' = 'Warn';
  let fieldManager = '';
  const { obj, text, mediaType, yamlDuplicates } = await decodeObjectBodyWithRaw(req, {
    kind: ctx.def.info.kind,
    afterRead: () => ({ dryRun, fieldValidation: mode, fieldManager } = writeOptions(req, optionsKind)),
  });
  const served = { apiVersion: apiVersionOf(ctx.def.info), kind: ctx.def.info.kind, schema: schemaOf(ctx), prune: ctx.def.prune };
  const body = validateBodyFields(res, obj as KubeObject, text, mediaType, mode, served, yamlDuplicates);
  return { body, dryRun, manager: managerOf(req, fieldManager) };
}

export async function handleCreate(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  const { body, dryRun, manager } = await decodeWriteBody(ctx, req, res, 'CreateOptions');
  const tracked = await fieldManagerFor(ctx.def, ctx.logger).update(undefined, body, manager, '');
  const obj = await ctx.store.create(info.namespace, tracked, { dryRun, handOver: true, requester: requesterOf(req) });
  writeObject(res, 201, transformObject(ctx, obj, rendering), rendering);
}

/** PUT of the object or of its status. */
export async function handleUpdate(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  const { body, dryRun, manager } = await decodeWriteBody(ctx, req, res, 'UpdateOptions');
  // kube compares the names before it reads storage: the same 400 whether or not the object exists.
  checkNamesMatchURL(body, info.namespace, info.name, ctx.def.info.namespaced);
  const fm = fieldManagerFor(ctx.def, ctx.logger);
  // What the client sent, kept for every attempt: tracking replaces the body's managedFields.
  const sent = body.metadata?.managedFields;
  const { obj, created } = await ctx.store.update(info.namespace, info.name, (current) => fm.update(current, body, manager, info.subresource, sent), {
    dryRun,
    requester: requesterOf(req),
    preconditions: { uid: body.metadata?.uid },
    subresource: info.subresource,
    strategy: ctx.def.subresources?.[info.subresource]?.strategy,
  });
  writeObject(res, created ? 201 : 200, transformObject(ctx, obj, rendering), rendering);
}

export async function handleDelete(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  const { options, dryRun } = await deleteOptions(req);
  const { obj, deleted } = await ctx.store.delete(info.namespace, info.name, { dryRun, preconditions: options.preconditions, requester: requesterOf(req) });
  if (!deleted) {
    // Marked, not gone (finalizers pending): kube answers with the object, 200, and 202 only
    // when the client asked for orphanDependents=false (kept for old clients).
    writeObject(res, options.orphanDependents === false ? 202 : 200, transformObject(ctx, obj, rendering), rendering);
    return;
  }
  if (ctx.def.returnDeletedObject) {
    writeObject(res, 200, transformObject(ctx, obj, rendering), rendering);
    return;
  }
  writeObject(
    res,
    200,
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: info.name, group: ctx.def.info.group, kind: ctx.def.info.resource, uid: obj.metadata?.uid },
    },
    rendering.as ? { format: rendering.format } : rendering,
  );
}

export async function handleDeleteCollection(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, true);
  const { dryRun } = await deleteOptions(req);
  const items = await ctx.store.deleteCollection(info.namespace, listOptions(req), { dryRun, requester: requesterOf(req) });
  const { group, version } = ctx.def.info;
  writeObject(
    res,
    200,
    { kind: ctx.store.listKind(), apiVersion: group ? `${group}/${version}` : version, metadata: {}, items },
    rendering.as ? { format: rendering.format } : rendering,
  );
}

interface DeleteOptionsBody {
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  dryRun?: string[];
  propagationPolicy?: string;
  gracePeriodSeconds?: number;
}

const PROPAGATION = ['Foreground', 'Background', 'Orphan'];

/**
 * meta/v1 DeleteOptions from the body (if any) and the query, checked as
 * kube's ValidateDeleteOptions: 422 on DeleteOptions.meta.k8s.io for an
 * unknown propagationPolicy or dryRun. propagationPolicy is then accepted.
 */
async function deleteOptions(req: Request): Promise<{ options: DeleteOptionsBody; dryRun: boolean }> {
  let options: DeleteOptionsBody = {};
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody) {
    const body = await decodeObjectBody(req, { kind: 'DeleteOptions' });
    if (Object.keys(body).length > 0) options = body as DeleteOptionsBody;
  }
  const policy = (req.query.propagationPolicy as string | undefined) ?? options.propagationPolicy;
  const errs: FieldError[] = [];
  if (policy !== undefined && !PROPAGATION.includes(policy)) errs.push(notSupported('propagationPolicy', policy, [...PROPAGATION, 'nil']));
  const { dryRun } = writeOptions(req, 'DeleteOptions', { dryRun: options.dryRun ?? [], fieldErrors: errs });
  return { options, dryRun };
}
