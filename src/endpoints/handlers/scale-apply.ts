import type { Request, Response } from 'express';
import { newNotFound } from '../../apimachinery/status-error.js';
import { fieldElement, type Path } from '../../apimachinery/managedfields/field-set.js';
import type { KubeObject } from '../../registry/object.js';
import { apiVersionOf } from '../../registry/resource-info.js';
import { writeObject } from '../responsewriters/object.js';
import { managerOf } from '../query.js';
import * as fv from '../field-validation/index.js';
import { fieldManagerFor } from '../fieldmanager/field-manager.js';
import { decodeApplyRequest } from './apply.js';
import { infoOf, renderingFor, requesterOf, type ResourceContext } from './context.js';
import { checkReplicas, checkScaleVersion, getPath, setPath, toScale } from './scale-view.js';

const SCALE_VERSION = 'autoscaling/v1';
const SCALE_REPLICAS: Path = [fieldElement('spec'), fieldElement('replicas')];

const samePath = (a: Path, b: Path): boolean => a.length === b.length && a.every((e, i) => e === b[i]);

/**
 * PATCH /scale with an apply patch: the applied Scale's spec.replicas is
 * applied to the object at its replicas path, owned by the manager with
 * subresource "scale" in the object's version (where kube's ScaleHandler
 * moves a Scale's ownership), conflicting with whoever owns the replicas
 * there. Nothing else of the Scale reaches the object. The object must exist.
 */
export async function handleApplyScale(ctx: ResourceContext, req: Request, res: Response, mediaType: string): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  const { options, typed: wanted, warnings } = await decodeApplyRequest(req, mediaType, {
    apiVersion: SCALE_VERSION,
    kind: 'Scale',
    namespaced: ctx.def.info.namespaced,
    schema: fv.schemaForKind(SCALE_VERSION, 'Scale'),
  });
  const { dryRun, fieldManager, force } = options;
  const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
  if (replicas !== undefined) checkReplicas(replicas, info.name);

  const specPath = ctx.def.scale!.specReplicasPath;
  // The Scale as a configuration of the object itself: its name and, when applied, the replicas.
  const objectConfig: KubeObject = {
    apiVersion: apiVersionOf(ctx.def.info),
    kind: ctx.def.info.kind,
    metadata: ctx.def.info.namespaced ? { name: info.name, namespace: info.namespace } : { name: info.name },
  };
  if (replicas !== undefined) setPath(objectConfig, specPath, replicas);
  const replicasPath = specPath.split('.').map(fieldElement);
  const fm = fieldManagerFor(ctx.def, ctx.logger);
  const manager = managerOf(req, fieldManager);
  const { obj } = await ctx.store.update(
    info.namespace,
    info.name,
    async (current) => {
      if (!current) throw newNotFound({ group: ctx.def.info.group, resource: ctx.def.info.resource }, info.name);
      checkScaleVersion(ctx, wanted, current, info.name);
      const next = await fm.apply(current, objectConfig, manager, 'scale', force, {
        lastApplied: false,
        // A conflict names the Scale's field, as the client applied it.
        reportPath: (p) => (samePath(p, replicasPath) ? SCALE_REPLICAS : p),
      });
      // A Scale always has replicas (kube's typed Scale reads 0): released and owned by nobody, the count is 0.
      if (typeof getPath(next, specPath) !== 'number') setPath(next, specPath, 0);
      return next;
    },
    { dryRun, requester: requesterOf(req) },
  );
  for (const w of fv.warningHeaderValues(warnings)) res.append('Warning', w);
  writeObject(res, 200, toScale(ctx, obj), { format: rendering.format });
}
