import { errBadJSONDoc, StrategicMergePatchError } from './errors.js';
import { deepCopy, isMap } from './json.js';
import { mergeMap, SERVER_SIDE } from './merge.js';
import type { PatchMeta } from './patch-meta.js';

/**
 * Strategic merge patch (application/strategic-merge-patch+json), as kube's
 * k8s.io/apimachinery/pkg/util/strategicpatch applies it on the server.
 * The schema decides how lists merge (see PatchMeta); the patch may carry
 * kube's directives: `$patch: replace|delete` on maps and list elements,
 * `$retainKeys`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`,
 * and null to delete a field.
 *
 * Module map: merge.ts (maps) and merge-list.ts (lists) apply a patch,
 * patch-values.ts copies patch values into results, order.ts orders merged
 * lists, diff.ts computes patches, three-way.ts is kubectl apply's patch,
 * conflicts.ts its --overwrite=false check, patch-meta.ts the schema lookups,
 * errors.ts kube's error texts and codes.
 */
export { createThreeWayMergePatch, createTwoWayMergePatch, type ThreeWayOptions } from './three-way.js';
export { StrategicMergePatchError, isStrategicMergePatchError } from './errors.js';
export { builtinPatchMeta, builtinPatchMetaForKind, NO_SCHEMA, patchMetaFromOpenAPI, type DefinitionSource, type PatchMeta, type PatchStrategy } from './patch-meta.js';

/**
 * Applies `patch` to `original` and returns the result; neither input is
 * changed and the result shares nothing with them. Throws a
 * StrategicMergePatchError (a StatusError with kube's code and message) for
 * a patch kube would refuse.
 */
export function strategicMergePatch(original: unknown, patch: unknown, meta: PatchMeta): unknown {
  if (!isMap(original)) throw errBadJSONDoc();
  if (patch === null || patch === undefined) return deepCopy(original);
  if (!isMap(patch)) {
    // What kube's JSON decoder says when the body is not an object.
    const what = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw new StrategicMergePatchError(400, `json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  return mergeMap(deepCopy(original), patch, meta, SERVER_SIDE);
}
