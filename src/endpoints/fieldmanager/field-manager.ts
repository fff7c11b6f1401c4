import { newBadRequest, StatusError } from '../../apimachinery/status-error.js';
import { failureStatus } from '../../apimachinery/status.js';
import { FieldSet, fieldElement, pathString } from '../../apimachinery/managedfields/field-set.js';
import { conflictStatusError } from '../../apimachinery/managedfields/conflict-status.js';
import {
  capUpdateManagers,
  decodeManagers,
  encodeManagers,
  identityOf,
  isReset,
  ManagedFieldsError,
  type ManagerInfo,
  type Managers,
} from '../../apimachinery/managedfields/managers.js';
import type { MergeType } from '../../apimachinery/managedfields/merge-type.js';
import { compare, removeItems, TypedValueError, toFieldSet } from '../../apimachinery/managedfields/typed-value.js';
import type { Logger } from '../../observability/logger.js';
import {
  ConflictsError,
  dropUnowned,
  type Conflict,
  mergeApplied,
  pruneApplied,
  settleApply,
  updateOwnership,
  type InVersion,
  type OtherVersions,
  type PendingApply,
} from '../../apimachinery/managedfields/updater.js';
import type { KubeObject } from '../../registry/object.js';
import type { ResourceDefinition } from '../../registry/resource-definition.js';
import { apiVersionOf } from '../../registry/resource-info.js';
import { builtinMergeType, modelsMergeType, typeNodeMergeType, untypedMergeType } from './merge-types.js';
import { zeroObjectOf } from './zero-objects.js';

/**
 * kube's FieldManager for one served resource version: records who owns
 * which field in metadata.managedFields on every write, and performs
 * server-side apply. Built once per resource definition.
 */
export class FieldManager {
  private readonly apiVersion: string;
  private readonly mergeType: MergeType;
  /** Fields nobody owns (kube's stripMetaManager): what the server sets. */
  private readonly stripped: FieldSet;
  private readonly defaults: ((obj: KubeObject) => void) | undefined;
  /** Merge types of the other versions managers recorded fields in (undefined: no such version). */
  private readonly versionTypes = new Map<string, MergeType | undefined>();
  /** Where a dropped managedFields update is told; set by the first caller that has one. */
  logger: Logger | undefined;
  private reportedAt = 0;

  constructor(private readonly def: ResourceDefinition) {
    this.apiVersion = apiVersionOf(def.info);
    const { group, version, kind } = def.info;
    this.mergeType =
      builtinMergeType({ group, version, kind }) ??
      (def.openAPIModels ? modelsMergeType(def.openAPIModels()) : def.schema ? typeNodeMergeType(def.schema) : untypedMergeType());
    this.stripped = FieldSet.of([
      ['f:apiVersion'],
      ['f:kind'],
      ['f:metadata'],
      ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', fieldElement(f)]),
    ]);
    // Defaults run on the stored shape; a converted version leaves them to the Store (then nobody owns them).
    this.defaults = def.conversion ? undefined : def.strategy.defaults?.bind(def.strategy);
  }

  /** Fields a write through `subresource` cannot set (kube's reset fields), never owned by its manager. */
  private ignoredFor(subresource: string): FieldSet {
    if (subresource === '' && this.def.status) return FieldSet.of([['f:status']]);
    if (subresource === 'status') return FieldSet.of([['f:spec']]);
    return new FieldSet();
  }

  private info(manager: string, operation: 'Apply' | 'Update', subresource: string): ManagerInfo {
    return { manager, operation, apiVersion: this.apiVersion, subresource };
  }

  /**
   * A create, update or patch: `next` gets the managedFields of `live`
   * (or the ones the client sent, or none when it sent `[]` / `[{}]`) with
   * `manager` owning what it changed. A malformed entry the client sent is
   * a 400. An object the merge type cannot place keeps no managedFields,
   * as kube's UpdateNoErrors does, rather than failing the write.
   */
  update(live: KubeObject | undefined, next: KubeObject, manager: string, subresource: string, sent: unknown = next.metadata?.managedFields): KubeObject | Promise<KubeObject> {
    const meta = next.metadata;
    if (!meta) return next;
    let managers: Managers;
    try {
      if (subresource !== '') managers = decodeManagers(live?.metadata?.managedFields);
      else if (isReset(sent)) managers = new Map();
      else {
        managers = decodeManagers(sent);
        if (managers.size === 0) managers = decodeManagers(live?.metadata?.managedFields);
      }
    } catch (err) {
      if (err instanceof ManagedFieldsError) throw newBadRequest(`error decoding managedFields: ${err.message}`);
      throw err;
    }
    delete meta.managedFields;
    // An existing object nobody tracks (its managedFields reset) stays untracked until an apply
    // (kube's skipNonAppliedManager); a create is tracked.
    if (managers.size === 0 && live?.metadata?.uid) return next;
    const info = this.info(manager, 'Update', subresource);
    let before: KubeObject;
    try {
      this.defaults?.(next);
      before = live ? withoutManagedFields(live) : zeroObjectOf(this.def, this.mergeType);
    } catch (err) {
      return this.untracked(err, next);
    }
    const settle = (others?: OtherVersions): KubeObject => {
      try {
        updateOwnership(before, next, this.mergeType, managers, info, this.ignoredFor(subresource), managedFieldsTime(), others);
        this.finish(next, managers);
      } catch (err) {
        return this.untracked(err, next);
      }
      return next;
    };
    const versions = this.otherVersionsOf(managers, identityOf(info));
    // Only managers recorded in another version need the objects converted (a webhook may answer).
    if (versions.length === 0) return settle();
    return this.inVersions(versions, before, next, live !== undefined).then(settle, (err: unknown) => {
      // A conversion that fails (a webhook down) does not fail the write: kube's UpdateNoErrors drops the
      // object's managedFields rather than keep ones it could not update, and logs it.
      this.report(err);
      delete meta.managedFields;
      return next;
    });
  }

  /** At most once a second, as kube logs a managedFields update it had to give up. */
  private report(err: unknown): void {
    const t = Date.now();
    if (t - this.reportedAt < 1000) return;
    this.reportedAt = t;
    this.logger?.error('failed to update managedFields: dropped them', {
      resource: `${this.def.info.resource}.${this.def.info.group}`,
      version: this.def.info.version,
      err: err instanceof Error ? err.message : String(err),
    });
  }

  /**
   * An object the merge type cannot place (a list-map item without its key):
   * validation refuses it next; until then nothing is tracked, as kube's
   * UpdateNoErrors drops managedFields.
   */
  private untracked(err: unknown, next: KubeObject): KubeObject {
    if (!(err instanceof TypedValueError)) throw err;
    if (next.metadata) delete next.metadata.managedFields;
    return next;
  }

  /** The versions, other than this one, that managers other than `self` recorded their fields in. */
  private otherVersionsOf(managers: Managers, self: string): string[] {
    if (!this.def.otherVersions) return [];
    const out = new Set<string>();
    for (const [id, o] of managers) if (id !== self && o.apiVersion !== this.apiVersion) out.add(o.apiVersion);
    return [...out];
  }

  /**
   * Objects of this version converted to `apiVersion`. They are read as this
   * version's whatever their apiVersion says: a body naming another version
   * or none is the Store's 400 to give, after this, not a converter's 500.
   */
  private convert(objs: readonly KubeObject[], apiVersion: string): Promise<KubeObject[]> {
    const kind = this.def.info.kind;
    const own = objs.map((o) => (o.apiVersion === this.apiVersion && o.kind === kind ? o : { ...o, apiVersion: this.apiVersion, kind }));
    return this.def.otherVersions!.convert(own, apiVersion);
  }

  private typeOf(apiVersion: string): MergeType | undefined {
    if (apiVersion === this.apiVersion) return this.mergeType;
    if (!this.versionTypes.has(apiVersion)) {
      const models = this.def.otherVersions?.models(apiVersion);
      const slash = apiVersion.lastIndexOf('/');
      const gvk = { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind: this.def.info.kind };
      this.versionTypes.set(apiVersion, models === 'builtin' ? builtinMergeType(gvk) : models ? modelsMergeType(models) : undefined);
    }
    return this.versionTypes.get(apiVersion);
  }

  /**
   * `before` and `after` as each of `versions` sees them: converted there
   * (one conversion per version). `fromLive` false: `before` is the empty
   * object a create starts from.
   */
  private async inVersions(versions: readonly string[], before: KubeObject, after: KubeObject, fromLive: boolean): Promise<OtherVersions> {
    const out = new Map<string, InVersion>();
    await Promise.all(
      versions.map(async (v) => {
        const t = this.typeOf(v);
        if (!t) return void out.set(v, 'missing');
        if (!fromLive) {
          // A create compares with an empty object, the same in every version: only the new one converts.
          const [a] = await this.convert([after], v);
          return void out.set(v, { before, after: a, t });
        }
        const [b, a] = await this.convert([before, after], v);
        out.set(v, { before: b, after: a, t });
      }),
    );
    return out;
  }

  /**
   * A server-side apply of `config` over `live` (undefined: the object is
   * created). Returns the next object (the live one with new managedFields
   * when the configuration changes nothing). Throws kube's 409 on conflicts
   * and a 422 for a configuration the merge type cannot place.
   */
  async apply(live: KubeObject | undefined, config: KubeObject, manager: string, subresource: string, force: boolean, options: ApplyOptions = {}): Promise<KubeObject> {
    // The migration from client-side apply concerns the object's own configuration, not a view of it (/scale).
    const lastApplied = manager === KUBECTL && options.lastApplied !== false;
    let managers: Managers;
    try {
      managers = decodeManagers(live?.metadata?.managedFields);
    } catch (err) {
      if (err instanceof ManagedFieldsError) throw newBadRequest(`failed to decode managed fields: ${err.message}`);
      throw err;
    }
    const base = live ? withoutManagedFields(live) : ({ apiVersion: config.apiVersion, kind: config.kind, metadata: {} } as KubeObject);
    // Only what the subresource resets is never owned; stripped metadata leaves each set afterwards
    // (a non-recursive difference: labels and annotations stay owned).
    const ignored = this.ignoredFor(subresource);
    try {
      if (managers.size === 0 && live) {
        // An object written before anything tracked it: what it holds belongs to "before-first-apply" (kube's skipNonAppliedManager).
        updateOwnership(zeroObjectOf(this.def, this.mergeType), base, this.mergeType, managers, this.info('before-first-apply', 'Update', ''), new FieldSet(), managedFieldsTime());
        this.strip(managers);
      }
      const info = this.info(manager, 'Apply', subresource);
      const p = mergeApplied(base, config, this.mergeType, managers, info, ignored);
      const versions = this.otherVersionsOf(p.work, p.self);
      // The merge shares structure with its inputs: what finishes it (defaulting) works on a copy.
      const merged = structuredClone(await this.prune(p, versions.length > 0)) as KubeObject;
      options.prepare?.(merged);
      this.defaults?.(merged);
      const others = versions.length > 0 ? await this.inVersions(versions, base, merged, true) : undefined;
      let object: unknown;
      try {
        ({ object } = settleApply(p, managers, merged, force, managedFieldsTime(), others));
      } catch (err) {
        // kubectl's own manager may take over what it applied client-side before (kube's lastAppliedManager).
        // A refused apply left `managers` as they were.
        if (!(err instanceof ConflictsError) || !lastApplied) throw err;
        const allowed = this.allowedFromLastApplied(base);
        const left = err.conflicts.filter((c) => !allowed?.has(c.path));
        if (left.length > 0) throw new ConflictsError(left);
        ({ object } = settleApply(p, managers, merged, true, managedFieldsTime(), others));
      }
      const next = structuredClone((object ?? base) as KubeObject);
      if (lastApplied) syncLastApplied(next, config);
      this.finish(next, managers);
      return next;
    } catch (err) {
      if (err instanceof ConflictsError) {
        const { report } = options;
        throw conflictStatusError(report ? err.conflicts.map(report) : err.conflicts);
      }
      if (err instanceof TypedValueError) {
        throw new StatusError(
          failureStatus(422, 'Invalid', `failed to create typed patch object (${this.apiVersion}, Kind=${this.def.info.kind}): ${pathString(err.path)}: ${err.message}`),
        );
      }
      throw err;
    }
  }

  /**
   * The merged object without what the applier applied last time and no
   * longer applies, unless someone owns it. With managers in other versions
   * this is kube's prune: what was applied last is removed in the version it
   * was applied in, then, version by version (that one first), whatever the
   * managers of a version own there comes back (addBackOwnedItems); the
   * applier owns its new configuration, in this version. A last apply in a
   * version the objects no longer have prunes nothing, as in kube.
   */
  private async prune(p: PendingApply, othersInOtherVersions: boolean): Promise<unknown> {
    const last = p.last;
    if (!last || last.set.empty()) return p.merged;
    if (last.apiVersion === this.apiVersion && !othersInOtherVersions) return pruneApplied(p);
    const lastType = this.typeOf(last.apiVersion);
    if (!lastType) return p.merged;
    const owned = new Map<string, FieldSet>([[this.apiVersion, p.configSet]]);
    for (const [id, o] of p.work) if (id !== p.self) owned.set(o.apiVersion, (owned.get(o.apiVersion) ?? new FieldSet()).union(o.set));
    let at = last.apiVersion;
    let merged = last.apiVersion === this.apiVersion ? (p.merged as KubeObject) : (await this.convert([p.merged as KubeObject], at))[0]!;
    let pruned = removeItems(merged, last.set, lastType) as KubeObject;
    for (const v of [at, ...[...owned.keys()].filter((k) => k !== at)]) {
      const set = owned.get(v);
      const t = this.typeOf(v);
      // A version the objects do not have: its managers are dropped when the apply settles.
      if (!set || !t) continue;
      if (v !== at) [merged, pruned] = await this.def.otherVersions!.convert([merged, pruned], v);
      at = v;
      pruned = dropUnowned(merged, toFieldSet(merged, t), toFieldSet(pruned, t).union(set), t) as KubeObject;
    }
    return at === this.apiVersion ? pruned : (await this.def.otherVersions!.convert([pruned], this.apiVersion))[0];
  }

  /**
   * The fields of the live object's last-applied-configuration annotation
   * (client-side apply's record) that still hold the value it applied:
   * kubectl's server-side apply may take those over without --force-conflicts.
   */
  private allowedFromLastApplied(live: KubeObject): FieldSet | undefined {
    const text = live.metadata?.annotations?.[LAST_APPLIED];
    if (typeof text !== 'string' || text === '') return undefined;
    let lastApplied: unknown;
    try {
      lastApplied = JSON.parse(text);
    } catch {
      // A hand-edited annotation that is not JSON allows nothing.
      return undefined;
    }
    try {
      const set = toFieldSet(lastApplied, this.mergeType);
      return set.difference(compare(lastApplied, live, this.mergeType).modified);
    } catch (err) {
      if (err instanceof TypedValueError) return undefined;
      throw err;
    }
  }

  private strip(managers: Managers): void {
    for (const [id, o] of managers) {
      o.set = o.set.difference(this.stripped);
      if (o.set.empty()) managers.delete(id);
    }
  }

  private finish(next: KubeObject, managers: Managers): void {
    this.strip(managers);
    capUpdateManagers(managers);
    const entries = encodeManagers(managers);
    if (entries.length > 0) (next.metadata ??= {}).managedFields = entries as NonNullable<KubeObject['metadata']>['managedFields'];
    else if (next.metadata) delete next.metadata.managedFields;
  }
}

export interface ApplyOptions {
  /** false: leave kubectl's last-applied-configuration alone (the configuration is a view of the object). */
  lastApplied?: boolean;
  /** How a conflict is told, when the client applied a view of the object with other paths and managers. */
  report?: (conflict: Conflict) => Conflict;
  /** Finishes the merged object before defaults run (a view's fields that cannot be absent). */
  prepare?: (merged: KubeObject) => void;
}

const KUBECTL = 'kubectl';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** kube's TotalAnnotationSizeLimitB: past it, the annotation is dropped rather than the apply refused. */
const ANNOTATIONS_LIMIT = 256 * 1024;

/**
 * kubectl's server-side apply keeps an existing last-applied-configuration
 * annotation in step with what it applied, so that a later client-side
 * `kubectl apply` diffs against it (kube's lastAppliedUpdater).
 */
function syncLastApplied(next: KubeObject, config: KubeObject): void {
  // Our own copies: the annotations are written in place.
  const annotations = next.metadata?.annotations as Record<string, string> | undefined;
  if (!annotations || typeof annotations[LAST_APPLIED] !== 'string') return;
  const applied = structuredClone(config);
  const appliedAnnotations = applied.metadata?.annotations as Record<string, string> | undefined;
  if (appliedAnnotations) {
    delete appliedAnnotations[LAST_APPLIED];
    if (Object.keys(appliedAnnotations).length === 0) delete applied.metadata!.annotations;
  }
  annotations[LAST_APPLIED] = JSON.stringify(applied);
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (size > ANNOTATIONS_LIMIT) delete annotations[LAST_APPLIED];
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** A managedFields entry's time: RFC 3339 in whole seconds, as kube writes it. */
export function managedFieldsTime(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const managers = new WeakMap<ResourceDefinition, FieldManager>();

/** The field manager of a served resource definition, made on first use. */
export function fieldManagerFor(def: ResourceDefinition, logger?: Logger): FieldManager {
  let fm = managers.get(def);
  if (!fm) managers.set(def, (fm = new FieldManager(def)));
  fm.logger ??= logger;
  return fm;
}
