import { stringify } from 'yaml';
import { mergingMapsHaveConflicts } from './conflicts.js';
import { diffMaps } from './diff.js';
import { errBadJSONDoc, StrategicMergePatchError } from './errors.js';
import { deepCopy, isMap, type JSONMap } from './json.js';
import { mergeMap, PATCH_MERGING } from './merge.js';
import type { PatchMeta } from './patch-meta.js';

export interface ThreeWayOptions {
  /**
   * kubectl apply's --overwrite (its default, true): the manifest wins over
   * changes made to the live object since the last apply. When false, a
   * field the patch sets differently from such a change is a conflict.
   */
  overwrite?: boolean;
}

/** A document given as decoded JSON: an object, or nothing (null/undefined) for an empty one. */
function documentOf(v: unknown): JSONMap {
  if (v === null || v === undefined) return {};
  if (!isMap(v)) throw errBadJSONDoc();
  // Copied: the diff shares values with its inputs and the merge below changes what it is given.
  return deepCopy(v);
}

/**
 * The patch `kubectl apply` sends (kube's CreateThreeWayMergePatch): the
 * changes from `current` (the live object) to `modified` (the new manifest),
 * without deletions, plus the deletions from `original` (the
 * last-applied-configuration) to `modified`. So fields the manifest dropped
 * since the last apply are deleted (null, `$patch: delete` elements,
 * `$deleteFromPrimitiveList`), fields others set on the live object and the
 * manifest never had are left alone, and nothing changed gives `{}`.
 */
export function createThreeWayMergePatch(original: unknown, modified: unknown, current: unknown, meta: PatchMeta, opts: ThreeWayOptions = {}): JSONMap {
  const originalMap = documentOf(original);
  const modifiedMap = documentOf(modified);
  const currentMap = documentOf(current);
  const delta = diffMaps(currentMap, modifiedMap, meta, { ignoreDeletions: true, setElementOrder: true });
  const deletions = deepCopy(diffMaps(originalMap, modifiedMap, meta, { setElementOrder: true, ignoreChangesAndAdditions: true }));
  const patch = mergeMap(deletions, delta, meta, PATCH_MERGING);
  if (opts.overwrite === false) {
    const changed = diffMaps(originalMap, currentMap, meta, {});
    if (mergingMapsHaveConflicts(patch, changed, meta)) {
      throw new StrategicMergePatchError(409, `patch:\n${toYAML(patch)}\nconflicts with changes made from original to current:\n${toYAML(changed)}\n`);
    }
  }
  return patch;
}

/** The patch from `original` to `modified` (kube's CreateTwoWayMergePatch), with $setElementOrder lists. */
export function createTwoWayMergePatch(original: unknown, modified: unknown, meta: PatchMeta): JSONMap {
  return deepCopy(diffMaps(documentOf(original), documentOf(modified), meta, { setElementOrder: true }));
}

const toYAML = (v: unknown): string => stringify(v, { sortMapEntries: true });
