import type { Request, Response } from 'express';
import { newNotFound } from '../../apimachinery/status-error.js';
import { FieldSet, fieldElement, type Path } from '../../apimachinery/managedfields/field-set.js';
import type { KubeObject } from '../../registry/object.js';
import { apiVersionOf } from '../../registry/resource-info.js';
import { writeObject } from '../responsewriters/object.js';
import { managerOf } from '../query.js';
import * as fv from '../field-validation/index.js';
import { fieldManagerFor, managedFieldsTime } from '../fieldmanager/field-manager.js';
import { decodeApplyRequest } from './apply.js';
import { infoOf, renderingFor, requesterOf, type ResourceContext } from './context.js';
import { checkReplicas, checkScaleVersion, checkSettable, getPath, replicasCannotBeEmpty, setPath, toScale } from './scale-view.js';
import { decodeManagers, encodeManagers, identityOf, ManagedFieldsError, type ManagerInfo, type Managers } from '../../apimachinery/managedfields/managers.js';

const SCALE_VERSION = 'autoscaling/v1';
const SCALE_REPLICAS: Path = [fieldElement('spec'), fieldElement('replicas')];

const samePath = (a: Path, b: Path): boolean => a.length === b.length && a.every((e, i) => e === b[i]);
const BEFORE_FIRST_APPLY = 'before-first-apply';

/**
 * The object as kube's Scale field manager sees its owners: only managers
 * of the replicas come through to the Scale (ScaleHandler.ToSubresource),
 * and a Scale nobody owns gets a "before-first-apply" owner of its replicas
 * (kube's skipNonAppliedManager) before the apply, which an apply of
 * another count then conflicts with. That owner is recorded here as kube's
 * ToParent leaves it: in the object's version, with subresource "scale".
 */
function withScaleOwner(obj: KubeObject, replicasPath: Path, standIn: ManagerInfo): KubeObject {
  let managers: Managers;
  try {
    managers = decodeManagers(obj.metadata?.managedFields);
  } catch (err) {
    // The field manager refuses them with its own 400.
    if (err instanceof ManagedFieldsError) return obj;
    throw err;
  }
  for (const o of managers.values()) if (o.set.has(replicasPath)) return obj;
  managers.set(identityOf(standIn), { ...standIn, set: FieldSet.of([replicasPath]), time: managedFieldsTime() });
  return { ...obj, metadata: { ...obj.metadata, managedFields: encodeManagers(managers) as NonNullable<KubeObject['metadata']>['managedFields'] } };
}

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
  // The Scale's own first owner, as kube's ToParent records it on the object.
  const standIn: ManagerInfo = { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: apiVersionOf(ctx.def.info), subresource: 'scale' };
  const standInId = identityOf(standIn);
  const fm = fieldManagerFor(ctx.def, ctx.logger);
  const manager = managerOf(req, fieldManager);
  const { obj } = await ctx.store.update(
    info.namespace,
    info.name,
    async (current) => {
      if (!current) throw newNotFound({ group: ctx.def.info.group, resource: ctx.def.info.resource }, info.name);
      checkScaleVersion(ctx, wanted, current, info.name);
      checkSettable(current, specPath);
      const had = typeof getPath(current, specPath) === 'number';
      if (!had && replicas === undefined) throw replicasCannotBeEmpty(specPath);
      const live = had ? withScaleOwner(current, replicasPath, standIn) : current;
      return fm.apply(live, objectConfig, manager, 'scale', force, {
        lastApplied: false,
        // A conflict names the Scale's field, and the Scale's own first owner as kube's Scale field manager made it.
        report: (c) => ({
          manager: c.manager === standInId ? identityOf({ ...standIn, apiVersion: SCALE_VERSION }) : c.manager,
          path: samePath(c.path, replicasPath) ? SCALE_REPLICAS : c.path,
        }),
        // A Scale always has replicas (kube's typed Scale reads 0): released and owned by nobody, the count is 0.
        prepare: (merged) => {
          if (typeof getPath(merged, specPath) !== 'number') setPath(merged, specPath, 0);
        },
      });
    },
    { dryRun, requester: requesterOf(req) },
  );
  for (const w of fv.warningHeaderValues(warnings)) res.append('Warning', w);
  writeObject(res, 200, toScale(ctx, obj), { format: rendering.format });
}
