import type { Request, Response } from 'express';
import { newBadRequest, newConflict, newNotFound, newUnsupportedMediaType } from '../../apimachinery/status-error.js';
import { newInvalid } from '../../apimachinery/invalid.js';
import { invalid } from '../../apimachinery/validation/field-error.js';
import { labelSelectorAsSelector, type LabelSelectorSpec } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../registry/object.js';
import { decodeObjectBody, mediaTypeOf, readBody } from '../request-body.js';
import { writeObject } from '../responsewriters/object.js';
import { managerOf, writeOptions } from '../query.js';
import { infoOf, renderingFor, requesterOf, type ResourceContext } from './context.js';
import { applyJSONPatch, mergePatch } from './patch.js';
import { jsonNestsDeeperThan } from '../decode-bounds.js';
import * as fv from '../field-validation/index.js';
import { fieldManagerFor } from '../fieldmanager/field-manager.js';

const getPath = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}

/** The autoscaling/v1 Scale view of an object with replicas (kube's scale subresource). */
function toScale(ctx: ResourceContext, obj: KubeObject): KubeObject {
  const scale = ctx.def.scale!;
  const m = obj.metadata ?? {};
  const selector = scale.labelSelectorPath ? getPath(obj, scale.labelSelectorPath) : undefined;
  const selectorText =
    typeof selector === 'string' ? selector : selector ? labelSelectorAsSelector(selector as LabelSelectorSpec).toString() : undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: (getPath(obj, scale.specReplicasPath) as number | undefined) ?? 0 },
    status: { replicas: (getPath(obj, scale.statusReplicasPath) as number | undefined) ?? 0, ...(selectorText ? { selector: selectorText } : {}) },
  };
}

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
  const { dryRun, fieldManager } = writeOptions(req, isPatch ? 'PatchOptions' : 'UpdateOptions');
  const manager = managerOf(req, fieldManager);
  const type = mediaTypeOf(req);
  let body: unknown;
  if (isPatch) {
    if (type !== 'application/merge-patch+json' && type !== 'application/json-patch+json' && type !== 'application/strategic-merge-patch+json') {
      throw newUnsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`);
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
      const scale = toScale(ctx, current);
      const patched: unknown = !isPatch
        ? body
        : type === 'application/json-patch+json'
          ? applyJSONPatch(scale, body)
          : mergePatch(scale, body);
      // The Scale is decoded as its kind: the fields read below must have their types.
      const wanted = fv.typedPatchedObject(patched, body, fv.schemaForKind('autoscaling/v1', 'Scale'), 'merge') as KubeObject;
      const rv = wanted.metadata?.resourceVersion;
      if (rv && rv !== current!.metadata?.resourceVersion) {
        throw newConflict({ group: ctx.def.info.group, resource: ctx.def.info.resource }, info.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw newInvalid({ group: 'autoscaling', kind: 'Scale' }, info.name, [invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')]);
      }
      const next = structuredClone(current);
      setPath(next, ctx.def.scale!.specReplicasPath, replicas);
      // Owned on the parent, as kube records a scale: the replicas field, subresource "scale".
      return fieldManagerFor(ctx.def).update(current, next, manager, 'scale');
    },
    { dryRun, requester: requesterOf(req) },
  );
  writeObject(res, 200, toScale(ctx, obj), { format: rendering.format });
}

export const scaleHandlers = { get: handleGetScale, update: handleUpdateScale, patch: handleUpdateScale };
