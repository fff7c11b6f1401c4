import type { Request, Response } from 'express';
import jsonpatch from 'fast-json-patch';
import { newBadRequest, newUnsupportedMediaType, StatusError } from '../../apimachinery/status-error.js';
import { failureStatus } from '../../apimachinery/status.js';
import { setOwnProperty } from '../../apimachinery/own-property.js';
import { newInvalid } from '../../apimachinery/invalid.js';
import { invalid } from '../../apimachinery/validation/field-error.js';
import type { KubeObject } from '../../registry/object.js';
import { mediaTypeOf, readBody } from '../request-body.js';
import { jsonNestsDeeperThan } from '../decode-bounds.js';
import { writeObject } from '../responsewriters/object.js';
import { managerOf, writeOptions } from '../query.js';
import { infoOf, renderingFor, requesterOf, schemaOf, transformObject, type ResourceContext } from './context.js';
import * as fv from '../field-validation/index.js';
import { auditRequestPatch } from '../../audit/context.js';
import { builtinPatchMetaForKind, strategicMergePatch } from '../patch/strategic-merge-patch.js';
import { fieldManagerFor } from '../fieldmanager/field-manager.js';
import { APPLY_JSON, APPLY_YAML, handleApply } from './apply.js';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
// The types kube lists in its 415; an apply patch in JSON is accepted beside them (JSON is YAML).
const SUPPORTED = [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_YAML];
// A strategic merge needs a Go type's merge keys: kube's CRD handler offers custom resources only these.
const SUPPORTED_UNTYPED = [JSON_PATCH, MERGE_PATCH, APPLY_YAML];
const KIND_OF: Record<string, fv.PatchKind> = { [JSON_PATCH]: 'json', [MERGE_PATCH]: 'merge', [STRATEGIC_PATCH]: 'strategic' };

/** The patch types kube lists in its 415 for this resource (an apply patch in JSON is accepted besides). */
export const supportedPatchTypes = (ctx: ResourceContext): readonly string[] => (ctx.def.strategicMergePatch === false ? SUPPORTED_UNTYPED : SUPPORTED);

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else setOwnProperty(out, k, mergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v));
  }
  return out;
}

export function applyJSONPatch(current: KubeObject, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw newBadRequest(`error decoding patch: cannot unmarshal ${typeof ops} into a list of operations`);
  // RFC 6902 4.4: a value cannot move into its own child (the library would make the document contain itself).
  const intoItself = ops.find((op: unknown) => {
    const o = op as { op?: unknown; from?: unknown; path?: unknown } | null;
    return o?.op === 'move' && typeof o.from === 'string' && typeof o.path === 'string' && o.path.startsWith(`${o.from}/`);
  }) as { from: string; path: string } | undefined;
  if (intoItself) {
    throw newInvalid({ group: '', kind: '' }, '', [invalid('patch', JSON.stringify(intoItself), `move operation cannot move "${intoItself.from}" into its own child "${intoItself.path}"`)]);
  }
  try {
    return jsonpatch.applyPatch(current, ops as jsonpatch.Operation[], true, false).newDocument as unknown;
  } catch (err) {
    // A failed test or a missing path is the client's patch, not a server fault: kube answers
    // NewGenericServerResponse(422), whose text says no more than this.
    if (err instanceof StatusError) throw err;
    throw new StatusError(failureStatus(422, 'Invalid', 'the server rejected our request due to an error in our request', {}));
  }
}

/**
 * PATCH with a JSON patch, a JSON merge patch or a strategic merge patch (the
 * built-ins' merge keys and strategies come from their OpenAPI schemas),
 * re-applied to the current object on conflict. fieldValidation checks the
 * patch text (duplicates) and the patched object (unknown fields).
 */
export async function handlePatch(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, false);
  const type = mediaTypeOf(req);
  const supported = supportedPatchTypes(ctx);
  if (!supported.includes(type) && type !== APPLY_JSON) {
    throw newUnsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`);
  }
  if (type === APPLY_YAML || type === APPLY_JSON) return handleApply(ctx, req, res, type);
  const raw = await readBody(req);
  const { dryRun, fieldValidation: mode, fieldManager } = writeOptions(req, 'PatchOptions');
  const fm = fieldManagerFor(ctx.def, ctx.logger);
  const manager = managerOf(req, fieldManager);
  const text = raw.toString('utf8');
  // Every walker after the parse recurses: a deep patch is refused before it is parsed.
  if (jsonNestsDeeperThan(text)) throw newBadRequest('error decoding patch: exceeded max depth');
  const patchKind = KIND_OF[type]!;
  const patchFindings = mode === 'Ignore' ? fv.noFindings() : fv.findPatchFieldErrors(text, patchKind);
  const { group, version, kind } = ctx.def.info;
  const schema = schemaOf(ctx);
  let warnings: string[] = [];
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (err) {
    throw newBadRequest(`error decoding patch: ${(err as Error).message}`);
  }
  auditRequestPatch(req, patch);
  if (type !== JSON_PATCH && (typeof patch !== 'object' || patch === null || Array.isArray(patch))) {
    throw newBadRequest(`error decoding patch: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into an object`);
  }
  const { obj } = await ctx.store.update(
    info.namespace,
    info.name,
    (current) => {
      if (!current) throw newBadRequest('cannot patch an object that does not exist');
      const patched: unknown =
        type === JSON_PATCH
          ? applyJSONPatch(current, patch)
          : type === STRATEGIC_PATCH
            ? strategicMergePatch(current, patch, builtinPatchMetaForKind({ group, version, kind }))
            : mergePatch(current, patch);
      // What kube's decoding into the kind makes of the result: a wrong type is a 422 on "patch".
      const next = fv.typedPatchedObject(patched, patch, schema, patchKind, ctx.def.prune as ((o: Record<string, unknown>) => { pruned: Record<string, unknown> }) | undefined) as KubeObject;
      if (mode !== 'Ignore') {
        const objectFindings = fv.findPatchedObjectUnknownFields(patched, schema, patchKind);
        ({ warnings } = fv.applyPatchFieldValidation(mode, patchFindings, objectFindings, patched, patchKind));
      }
      // The patch decides the next object, not a resourceVersion the client did not send.
      const sentRV = type !== JSON_PATCH ? (patch as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion : undefined;
      if (type !== JSON_PATCH && sentRV === undefined && next.metadata) next.metadata.resourceVersion = current.metadata?.resourceVersion;
      return fm.update(current, next, manager, info.subresource);
    },
    { dryRun, subresource: info.subresource, strategy: ctx.def.subresources?.[info.subresource]?.strategy, requester: requesterOf(req) },
  );
  for (const w of fv.warningHeaderValues(warnings)) res.append('Warning', w);
  writeObject(res, 200, transformObject(ctx, obj, rendering), rendering);
}
