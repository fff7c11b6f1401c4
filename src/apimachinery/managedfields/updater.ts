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
 * A write as a manager recorded in another version sees it: the objects
 * before and after, converted to that version, with its merge type; or
 * 'missing' when the resource has no such version (kube drops the manager).
 */
export type InVersion = { before: unknown; after: unknown; t: MergeType } | 'missing';
/** By apiVersion: the versions, other than the written one, that managers recorded their fields in. */
export type OtherVersions = ReadonlyMap<string, InVersion>;

/**
 * Takes from every other manager the fields `live` → `next` changes (a
 * conflict unless `force`) and the fields it removes, each compared in the
 * manager's own version when it is one of `others`. Returns the conflicts
 * found (empty when forced) and the changes in the written version.
 */
function takeChanges(
  live: unknown,
  next: unknown,
  t: MergeType,
  managers: Managers,
  self: string,
  ignored: FieldSet,
  force: boolean,
  others?: OtherVersions,
): { conflicts: Conflict[]; changes: Changes } {
  const comparison = compare(live, next, t);
  const changes = { comparison, ...changed(comparison, ignored) };
  const seen = new Map<string, Changes | 'missing'>();
  const changesFor = (apiVersion: string): Changes | 'missing' => {
    const v = others?.get(apiVersion);
    if (!v) return changes;
    let c = seen.get(apiVersion);
    if (!c) {
      if (v === 'missing') c = 'missing';
      else {
        const comparison = compare(v.before, v.after, v.t);
        c = { comparison, ...changed(comparison, ignored) };
      }
      seen.set(apiVersion, c);
    }
    return c;
  };
  const conflicts: Conflict[] = [];
  for (const [id, owner] of managers) {
    if (id === self) continue;
    const c = changesFor(owner.apiVersion);
    if (c === 'missing') {
      managers.delete(id);
      continue;
    }
    const lost = owner.set.intersection(c.modifiedOrAdded);
    if (!lost.empty()) {
      if (!force) for (const path of lost.paths()) conflicts.push({ manager: id, path });
      else owner.set = owner.set.difference(lost);
    }
    if (!c.removed.empty()) owner.set = owner.set.difference(c.removed);
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
export function updateOwnership(
  live: unknown,
  next: unknown,
  t: MergeType,
  managers: Managers,
  info: ManagerInfo,
  ignored: FieldSet,
  now: string,
  others?: OtherVersions,
): void {
  const self = identityOf(info);
  const { comparison, modifiedOrAdded, removed } = takeChanges(live, next, t, managers, self, ignored, true, others).changes;
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
 * An apply in three steps, so that a caller may convert objects between
 * them (managers recorded in other versions): `mergeApplied` merges the
 * configuration into the live object; the caller prunes what the applier
 * applied last time and no longer applies (`pruneApplied` when that was in
 * this version), and finishes the object (defaulting); `settleApply` takes
 * ownership, or throws ConflictsError.
 */
export interface PendingApply {
  readonly live: unknown;
  readonly t: MergeType;
  readonly info: ManagerInfo;
  readonly self: string;
  readonly ignored: FieldSet;
  /** A working copy of the managers: `managers` changes only when the apply settles. */
  readonly work: Managers;
  readonly configSet: FieldSet;
  /** What the applier owned before, if anything. */
  readonly last: Owner | undefined;
  readonly merged: unknown;
}

export function mergeApplied(live: unknown, config: unknown, t: MergeType, managers: Managers, info: ManagerInfo, ignored: FieldSet): PendingApply {
  const self = identityOf(info);
  const work: Managers = new Map([...managers].map(([id, o]) => [id, { ...o }]));
  const configSet = toFieldSet(config, t, true).recursiveDifference(ignored);
  return { live, t, info, self, ignored, work, configSet, last: work.get(self), merged: merge(live, config, t) };
}

/** The merged object without what the applier applied last time (in this version) and no longer applies, unless someone else owns it. */
export function pruneApplied(p: PendingApply): unknown {
  if (!p.last || p.last.set.empty()) return p.merged;
  let owned = p.configSet;
  for (const [id, o] of p.work) if (id !== p.self) owned = owned.union(o.set);
  return dropUnowned(p.merged, p.last.set, owned, p.t);
}

export function settleApply(p: PendingApply, managers: Managers, merged: unknown, force: boolean, now: string, others?: OtherVersions): ApplyResult {
  const { work, self, last, configSet } = p;
  const { conflicts, changes } = takeChanges(p.live, merged, p.t, work, self, p.ignored, force, others);
  if (conflicts.length > 0) throw new ConflictsError(conflicts);
  const unchanged = isSame(changes.comparison);
  const owner: Owner = { ...p.info, set: configSet };
  if (!unchanged) owner.time = now;
  else if (last?.time) owner.time = last.time;
  if (configSet.empty()) work.delete(self);
  else work.set(self, owner);
  managers.clear();
  for (const [id, o] of work) managers.set(id, o);
  return { object: unchanged ? undefined : merged };
}

/**
 * An apply whose managers all recorded their fields in the written version:
 * the configuration is merged into the live object, the applier owns
 * exactly what the configuration sets, fields it applied before and no
 * longer applies are removed unless someone else owns them, and fields it
 * changes that another manager owns are conflicts unless `force`. Throws
 * ConflictsError; changes `managers` only when it succeeds.
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
  const p = mergeApplied(live, config, t, managers, info, ignored);
  let merged = pruneApplied(p);
  // The merge shares structure with its inputs: what finishes it (defaulting) works on a copy.
  if (finalize) merged = finalize(structuredClone(merged));
  return settleApply(p, managers, merged, force, now);
}

/**
 * Removes the fields of `applied` that nobody in `owned` owns; a field with
 * something owned below it stays (its owned children with it).
 */
export function dropUnowned(merged: unknown, applied: FieldSet, owned: FieldSet, t: MergeType): unknown {
  const dropped = applied.difference(owned);
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
