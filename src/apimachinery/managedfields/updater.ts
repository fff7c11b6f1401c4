import type { FieldSet, Path } from './field-set.js';
import { identityOf, type ManagerInfo, type Managers, type Owner } from './managers.js';
import type { MergeType } from './merge-type.js';
import { compare, isSame, merge, removeItems, toFieldSet, type Comparison } from './typed-value.js';

/**
 * structured-merge-diff's Updater: who owns which field after a write.
 * Values are compared and merged with their merge type; `ignored` fields
 * (object metadata the server sets, the status a main resource write
 * cannot change) are never owned.
 */

export interface Conflict {
  /** The identity of the manager that owns the field. */
  manager: string;
  path: Path;
}

export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflicts`);
  }
}

function changed(c: Comparison, ignored: FieldSet): { modifiedOrAdded: FieldSet; removed: FieldSet } {
  return {
    modifiedOrAdded: c.modified.union(c.added).recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

interface Changes {
  comparison: Comparison;
  /** Modified or added, outside the ignored fields. */
  modifiedOrAdded: FieldSet;
  /** Removed, outside the ignored fields. */
  removed: FieldSet;
}

/**
 * Takes from every other manager the fields `live` → `next` changes (a
 * conflict unless `force`) and the fields it removes. Returns the conflicts
 * found (empty when forced) and the changes.
 */
function takeChanges(live: unknown, next: unknown, t: MergeType, managers: Managers, self: string, ignored: FieldSet, force: boolean): { conflicts: Conflict[]; changes: Changes } {
  const comparison = compare(live, next, t);
  const changes = { comparison, ...changed(comparison, ignored) };
  const { modifiedOrAdded, removed } = changes;
  const conflicts: Conflict[] = [];
  for (const [id, owner] of managers) {
    if (id === self) continue;
    const lost = owner.set.intersection(modifiedOrAdded);
    if (!lost.empty()) {
      if (!force) for (const path of lost.paths()) conflicts.push({ manager: id, path });
      else owner.set = owner.set.difference(lost);
    }
    if (!removed.empty()) owner.set = owner.set.difference(removed);
  }
  if (conflicts.length > 0) return { conflicts, changes };
  for (const [id, owner] of managers) if (owner.set.empty() && id !== self) managers.delete(id);
  return { conflicts, changes };
}

/**
 * A write that is not an apply (create, update, any patch): `manager` takes
 * the fields it changed, added or removed from everyone else, and keeps what
 * it owned before. Changes `managers`.
 */
export function updateOwnership(live: unknown, next: unknown, t: MergeType, managers: Managers, info: ManagerInfo, ignored: FieldSet, now: string): void {
  const self = identityOf(info);
  const { comparison, modifiedOrAdded, removed } = takeChanges(live, next, t, managers, self, ignored, true).changes;
  if (isSame(comparison)) return;
  const previous = managers.get(self);
  const set = previous ? previous.set.difference(removed).union(modifiedOrAdded) : modifiedOrAdded;
  if (set.empty()) {
    managers.delete(self);
    return;
  }
  const owner: Owner = { ...info, set, time: now };
  managers.set(self, owner);
}

export interface ApplyResult {
  /** The object after the apply, or undefined when it equals the live object. */
  object: unknown;
}

/**
 * An apply: the configuration is merged into the live object, the applier
 * owns exactly what the configuration sets, fields it applied before and
 * no longer applies are removed unless someone else owns them, and fields
 * it changes that another manager owns are conflicts unless `force`.
 * Throws ConflictsError; changes `managers` only when it succeeds.
 */
export function applyConfiguration(
  live: unknown,
  config: unknown,
  t: MergeType,
  managers: Managers,
  info: ManagerInfo,
  ignored: FieldSet,
  force: boolean,
  now: string,
  finalize?: (merged: unknown) => unknown,
): ApplyResult {
  const self = identityOf(info);
  const work: Managers = new Map([...managers].map(([id, o]) => [id, { ...o }]));
  const configSet = toFieldSet(config, t, true).recursiveDifference(ignored);
  const last = work.get(self);
  let merged = merge(live, config, t);
  if (last && !last.set.empty()) merged = prune(merged, last.set, configSet, work, self, t);
  // The merge shares structure with its inputs: what finishes it (defaulting) works on a copy.
  if (finalize) merged = finalize(structuredClone(merged));
  const { conflicts, changes } = takeChanges(live, merged, t, work, self, ignored, force);
  if (conflicts.length > 0) throw new ConflictsError(conflicts);
  const unchanged = isSame(changes.comparison);
  const owner: Owner = { ...info, set: configSet };
  if (!unchanged) owner.time = now;
  else if (last?.time) owner.time = last.time;
  if (configSet.empty()) work.delete(self);
  else work.set(self, owner);
  managers.clear();
  for (const [id, o] of work) managers.set(id, o);
  return { object: unchanged ? undefined : merged };
}

/**
 * Removes what the applier applied last time and no longer applies, unless
 * another manager (or the applier's new configuration) owns it or something
 * below it.
 */
function prune(merged: unknown, lastSet: FieldSet, configSet: FieldSet, managers: Managers, self: string, t: MergeType): unknown {
  let owned = configSet;
  for (const [id, o] of managers) if (id !== self) owned = owned.union(o.set);
  const dropped = lastSet.difference(owned);
  if (dropped.empty()) return merged;
  const remove = dropped.copy();
  for (const path of dropped.paths()) {
    if (owned.hasBelow(path)) removeMember(remove, path);
  }
  return removeItems(merged, remove, t);
}

function removeMember(set: FieldSet, path: Path): void {
  let n: FieldSet | undefined = set;
  for (const pe of path) n = n?.child(pe);
  if (n) n.member = false;
}
