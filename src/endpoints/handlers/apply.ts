import type { Request, Response } from 'express';
import { newBadRequest, newRequestEntityTooLarge } from '../../apimachinery/status-error.js';
import { isJSONObject } from '../../apimachinery/json.js';
import type { KubeObject } from '../../registry/object.js';
import { checkNamesMatchURL } from '../../registry/store.js';
import { apiVersionOf } from '../../registry/resource-info.js';
import { readBody, MAX_REQUEST_BODY_BYTES } from '../request-body.js';
import { jsonNestsDeeperThan } from '../decode-bounds.js';
import { decodeYAMLBody } from '../yaml/yaml-decoder.js';
import { writeObject } from '../responsewriters/object.js';
import { managerOf, writeOptions, type WriteOptions } from '../query.js';
import { auditRequestPatch } from '../../audit/context.js';
import * as fv from '../field-validation/index.js';
import { fieldManagerFor } from '../fieldmanager/field-manager.js';
import { infoOf, renderingFor, requesterOf, schemaOf, transformObject, type ResourceContext } from './context.js';

export const APPLY_YAML = 'application/apply-patch+yaml';
/** JSON is YAML's subset: read as JSON, without the YAML parser's cost. */
export const APPLY_JSON = 'application/apply-patch+json';

/** The applied configuration: a YAML (or JSON) object, within the body bounds. */
async function decodeConfiguration(text: string, json: boolean): Promise<unknown> {
  if (json) {
    if (jsonNestsDeeperThan(text)) throw newBadRequest('error decoding YAML: exceeded max depth');
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw newBadRequest(`error decoding YAML: ${(err as Error).message}`);
    }
  }
  const r = await decodeYAMLBody(text, MAX_REQUEST_BODY_BYTES);
  if (r.ok) return r.value;
  if (r.error === 'too large') throw newRequestEntityTooLarge(r.message);
  throw newBadRequest(`error decoding YAML: ${r.message}`);
}

/**
 * What kube checks of an applied configuration before merging it: an
 * object of the served group, version and kind (its versionCheckManager),
 * with no managedFields, named as the URL names it.
 */
function checkConfiguration(
  config: unknown,
  apiVersion: string,
  kind: string,
  info: { namespace: string; name: string },
  namespaced: boolean,
): asserts config is KubeObject {
  if (!isJSONObject(config)) {
    const what = config === null ? 'null' : Array.isArray(config) ? 'array' : typeof config;
    throw newBadRequest(`error decoding YAML: the applied configuration must be an object, not ${what}`);
  }
  // kube's versionCheckManager: the applied object must be of the served group, version and kind.
  const sentVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  const sentKind = typeof config.kind === 'string' ? config.kind : '';
  if (sentVersion !== apiVersion || sentKind !== kind) {
    const slash = sentVersion.lastIndexOf('/');
    const gv = slash < 0 ? `/${sentVersion}` : `${sentVersion.slice(0, slash)}/${sentVersion.slice(slash + 1)}`;
    throw newBadRequest(`invalid object type: ${gv}, Kind=${sentKind}`);
  }
  const meta = config.metadata;
  if (meta !== undefined && meta !== null && !isJSONObject(meta)) throw newBadRequest('metadata of the applied configuration must be an object');
  if (isJSONObject(meta) && meta.managedFields !== undefined && meta.managedFields !== null) throw newBadRequest('metadata.managedFields must be nil');
  checkNamesMatchURL(config as KubeObject, info.namespace, info.name, namespaced);
}

/** What an apply request asks, read and checked: its options, the configuration typed as the served kind sees it, field validation's warnings. */
export interface ApplyRequest {
  options: WriteOptions;
  /** The configuration as typed decoding leaves it (a custom resource's unknown fields pruned). */
  typed: KubeObject;
  warnings: string[];
}

/**
 * Reads an apply patch for `kind`: the options (fieldManager required), the
 * configuration decoded and checked (kube's versionCheckManager and names),
 * typed by `schema` (a wrong type is a 422) and field-validated.
 */
export async function decodeApplyRequest(
  req: Request,
  mediaType: string,
  kind: { apiVersion: string; kind: string; namespaced: boolean; schema: fv.KindSchema | undefined; prune?: (o: Record<string, unknown>) => { pruned: Record<string, unknown> } },
): Promise<ApplyRequest> {
  const info = infoOf(req);
  const raw = await readBody(req);
  const options = writeOptions(req, 'PatchOptions', { apply: true });
  const config = await decodeConfiguration(raw.toString('utf8'), mediaType === APPLY_JSON);
  auditRequestPatch(req, config);
  checkConfiguration(config, kind.apiVersion, kind.kind, info, kind.namespaced);
  const typed = fv.typedPatchedObject(config, config, kind.schema, 'merge', kind.prune) as KubeObject;
  let warnings: string[] = [];
  if (options.fieldValidation !== 'Ignore') {
    const unknown = fv.findPatchedObjectUnknownFields(config, kind.schema, 'merge');
    ({ warnings } = fv.applyPatchFieldValidation(options.fieldValidation, fv.noFindings(), unknown, config, 'merge'));
  }
  return { options, typed, warnings };
}

/**
 * PATCH with an apply patch (server-side apply): the configuration is
 * merged into the object by its schema, owned by `fieldManager`, and a
 * change to a field another manager owns is a 409 unless `force`. Creates
 * the object when it does not exist (201).
 */
export async function handleApply(ctx: ResourceContext, req: Request, res: Response, mediaType: string): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  // What kube's typed decoding makes of it: a wrong type is a 422; a custom resource's unknown fields are pruned.
  const { options, typed, warnings } = await decodeApplyRequest(req, mediaType, {
    apiVersion: apiVersionOf(ctx.def.info),
    kind: ctx.def.info.kind,
    namespaced: ctx.def.info.namespaced,
    schema: schemaOf(ctx),
    prune: ctx.def.prune as ((o: Record<string, unknown>) => { pruned: Record<string, unknown> }) | undefined,
  });
  const { dryRun, fieldManager, force } = options;
  const fm = fieldManagerFor(ctx.def, ctx.logger);
  const manager = managerOf(req, fieldManager);
  const { obj, created } = await ctx.store.update(
    info.namespace,
    info.name,
    async (current) => {
      const next = await fm.apply(current, typed, manager, info.subresource, force);
      if (!current && next.metadata) {
        // A created object starts from the configuration alone: what the server sets it sets itself.
        next.metadata.name = info.name;
      }
      return next;
    },
    {
      dryRun,
      subresource: info.subresource,
      strategy: ctx.def.subresources?.[info.subresource]?.strategy,
      requester: requesterOf(req),
      forceAllowCreate: info.subresource === '',
    },
  );
  for (const w of fv.warningHeaderValues(warnings)) res.append('Warning', w);
  writeObject(res, created ? 201 : 200, transformObject(ctx, obj, rendering), rendering);
}
