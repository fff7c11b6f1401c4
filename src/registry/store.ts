import { randomUUID } from 'node:crypto';
import type { UserInfo } from '../apimachinery/user-info.js';
import { isAlreadyExists, newAlreadyExists, newBadRequest, newConflict, newInternalError, newNotFound, StatusError, type GroupResource } from '../apimachinery/status-error.js';
import { newInvalid } from '../apimachinery/invalid.js';
import { FieldSelector } from '../apimachinery/fields.js';
import { invalid, type FieldError } from '../apimachinery/validation/field-error.js';
import { generateName } from '../apimachinery/validation/generate-name.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../apimachinery/validation/object-meta.js';
import type { Cacher } from '../storage/cacher/index.js';
import { decodeContinue } from '../storage/continue-token.js';
import { isKeyExists } from '../storage/errors.js';
import type { Predicate, StoredObject, Watcher } from '../storage/interfaces.js';
import { interpretStorageError } from './interpret-errors.js';
import { parseResourceVersion, validateListOptions, type APIListOptions } from './list-options.js';
import { metaOf, type KubeObject } from './object.js';
import type { ResourceDefinition } from './resource-definition.js';
import { apiVersionOf, groupResourceOf, listKindOf } from './resource-info.js';
import type { Strategy } from './strategy.js';

/** Checks run before a write reaches storage (kube's admission), e.g. that the namespace exists and is not terminating. */
/**
 * Who asks for a write, as admission sees it (the parts of kube's
 * admission.Attributes used here): the user, and the resource request the
 * write was made for. Writes made outside a request (controllers, bootstrap)
 * have none.
 */
export interface Requester {
  user?: UserInfo;
  request?: { isResourceRequest: boolean; apiGroup: string; resource: string; name: string; namespace: string };
}

/** An admission check run on every write after validation; it throws a StatusError to refuse. */
export type Admit = (op: 'create' | 'update' | 'delete', obj: KubeObject, namespace: string, requester?: Requester) => Promise<void>;

export interface StoreOptions {
  now?: () => Date;
  admit?: Admit;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Who asks: handed to admission. */
  requester?: Requester;
}

export interface CreateOptions extends WriteOptions {
  /**
   * The caller hands the object over (a request body it decoded and will not
   * read again): the Store changes it in place instead of copying it first.
   */
  handOver?: boolean;
}

export interface UpdateOptions extends WriteOptions {
  subresource?: string;
  strategy?: Strategy;
  /**
   * Checked against the stored object before `updated` runs: a PUT body's own
   * uid is one (kube's DefaultUpdatedObjectInfo.Preconditions), so replacing
   * an object by one of the same name but another uid is a 409, not a 422.
   */
  preconditions?: { uid?: string };
  /** Create a missing object whatever the kind allows (kube's forceAllowCreate: a server-side apply creates). */
  forceAllowCreate?: boolean;
}

export interface UpdateResult {
  obj: KubeObject;
  created: boolean;
}

export interface DeleteOptions extends WriteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  obj: KubeObject;
  /** False when the object was only marked for deletion (finalizers pending). */
  deleted: boolean;
}

export interface ListResultAPI {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Turns the object the client sent (PUT body, or the patched current object) into the next object. */
export type UpdatedObject = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

const GENERATE_NAME_ATTEMPTS = 8;

/** kube's OptimisticLockErrorMsg. */
const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/**
 * The generic Store (kube's genericregistry.Store): every verb over one
 * resource's storage, with the per-kind strategy called in kube's order.
 * Storage errors become Status errors here and only here.
 */
export class Store {
  readonly prefix: string;
  readonly gr: GroupResource;
  private readonly now: () => Date;
  private readonly admit: Admit | undefined;
  /** The last timestamp made and its second: every write in the same second reuses the text. */
  private stamp = { second: NaN, text: '' };
  /**
   * A listed object per stored instance. The watch cache hands every list the
   * same instances until they change, so each is typed once, and the typed one
   * stays the same instance, which lets the list writer reuse its JSON.
   */
  private readonly listed = new WeakMap<StoredObject, KubeObject>();

  constructor(
    readonly def: ResourceDefinition,
    readonly storage: Cacher,
    opts: StoreOptions = {},
  ) {
    const { group, resource } = def.info;
    this.prefix = def.storagePrefix ?? (group ? `/${group}/${resource}` : `/${resource}`);
    this.gr = groupResourceOf(def.info);
    this.now = opts.now ?? (() => new Date());
    this.admit = opts.admit;
  }

  keyFor(namespace: string, name: string): string {
    return this.def.info.namespaced ? `${this.prefix}/${namespace}/${name}` : `${this.prefix}/${name}`;
  }

  private collectionPrefix(namespace: string): string {
    return this.def.info.namespaced && namespace ? `${this.prefix}/${namespace}` : this.prefix;
  }

  private timestamp(): string {
    const second = Math.floor(this.now().getTime() / 1000);
    if (second !== this.stamp.second) this.stamp = { second, text: new Date(second * 1000).toISOString().replace('.000Z', 'Z') };
    return this.stamp.text;
  }

  /** apiVersion and kind set on a stored object (kind and apiVersion first, as kube's JSON has them). */
  private withTypeMeta(obj: StoredObject): KubeObject {
    return { kind: this.def.info.kind, apiVersion: apiVersionOf(this.def.info), ...obj } as KubeObject;
  }

  /** Whether reading needs a conversion (possibly async): then objects are converted per request, not cached per instance. */
  get converts(): boolean {
    return this.def.conversion !== undefined;
  }

  /** Objects leaving the registry: typed, converted to this version in one batch when stored in another, decoded as now read. */
  private async typedAll(objs: StoredObject[]): Promise<KubeObject[]> {
    const typed = objs.map((o) => this.withTypeMeta(o));
    let converted = typed;
    if (this.def.conversion) {
      converted = await this.def.conversion.fromStorage(typed);
      if (!Array.isArray(converted) || converted.length !== typed.length) {
        throw newInternalError(`conversion of ${typed.length} ${this.def.info.resource} returned ${Array.isArray(converted) ? converted.length : 'no'} objects`);
      }
    }
    return this.def.decodeStored ? converted.map((o) => this.def.decodeStored!(o)) : converted;
  }

  private async typed(obj: StoredObject): Promise<KubeObject> {
    return (await this.typedAll([obj]))[0]!;
  }

  /** A stored object (a watch event's) as clients of this version see it. */
  externalize(obj: StoredObject): Promise<KubeObject> {
    return this.typed(obj);
  }

  /** Synchronously, for a version stored as it is served (no conversion): what externalize would give. */
  externalizeSync(obj: StoredObject): KubeObject {
    if (this.def.conversion) throw new Error('externalizeSync: this version converts');
    const typed = this.withTypeMeta(obj);
    return this.def.decodeStored ? this.def.decodeStored(typed) : typed;
  }

  /** An object in this version in the stored shape (the strategy's). */
  private async toStorage(obj: KubeObject): Promise<KubeObject> {
    return this.def.conversion ? await this.def.conversion.toStorage(obj) : obj;
  }

  private fail(err: unknown, name: string, verb?: 'list' | 'continue'): never {
    throw interpretStorageError(err, this.gr, name, verb);
  }

  // ------------------------------------------------------------------ read

  async get(namespace: string, name: string, opts: { resourceVersion?: string } = {}): Promise<KubeObject> {
    const revision = parseResourceVersion(opts.resourceVersion);
    try {
      const obj =
        opts.resourceVersion === undefined || opts.resourceVersion === ''
          ? await this.storage.get(this.keyFor(namespace, name))
          : await this.storage.get(this.keyFor(namespace, name), { revision, match: 'NotOlderThan' });
      return await this.typed(obj);
    } catch (err) {
      this.fail(err, name);
    }
  }

  /** The field labels kube lets a field selector use: metadata.name, metadata.namespace and the kind's own. */
  fieldsOf(obj: KubeObject): Record<string, string> {
    const m = metaOf(obj);
    const fields: Record<string, string> = { 'metadata.name': m.name ?? '' };
    if (this.def.info.namespaced) fields['metadata.namespace'] = m.namespace ?? '';
    return { ...fields, ...(this.def.fieldLabels?.(obj) ?? {}) };
  }

  /**
   * Refuses field selectors on fields the kind does not offer, as kube: 400
   * "field label not supported: x". fieldLabels returns every key it supports
   * for any object, so an empty sample lists them.
   */
  checkFieldSelector(selector: FieldSelector | undefined): void {
    if (!selector) return;
    const supported = this.fieldsOf({ metadata: {} });
    for (const r of selector.requirements()) {
      if (!(r.field in supported)) throw newBadRequest(`field label not supported: ${r.field}`);
      const unfilterable = this.def.unfilterableFieldLabels;
      if (unfilterable?.labels.includes(r.field)) throw newBadRequest(`field label ${r.field} cannot be selected: ${unfilterable.reason}`);
    }
  }

  predicate(opts: APIListOptions): Predicate | undefined {
    const { labelSelector, fieldSelector } = opts;
    const labels = labelSelector && !labelSelector.isEmpty() ? labelSelector : undefined;
    const fields = fieldSelector && !fieldSelector.isEmpty() ? fieldSelector : undefined;
    if (!labels && !fields) return undefined;
    return (obj) =>
      (!labels || labels.matches((obj as KubeObject).metadata?.labels ?? {})) &&
      (!fields || fields.matches(this.fieldsOf(obj as KubeObject)));
  }

  async list(namespace: string, opts: APIListOptions = {}): Promise<ListResultAPI> {
    const invalidOpts = validateListOptions(opts, false);
    if (invalidOpts) throw invalidOpts;
    this.checkFieldSelector(opts.fieldSelector);
    const revision = parseResourceVersion(opts.resourceVersion);
    const predicate = this.predicate(opts);
    const prefix = this.collectionPrefix(namespace);
    const match = opts.resourceVersionMatch ?? '';
    if (opts.continue) {
      try {
        decodeContinue(opts.continue);
      } catch (err) {
        this.fail(err, '', 'list');
      }
    }
    if (opts.continue && opts.resourceVersion && opts.resourceVersion !== '0') {
      // kube's storage.ValidateListOptions: a 400, not an invalid ListOptions.
      throw newBadRequest('specifying resource version is not allowed when using continue');
    }
    try {
      let result;
      if (opts.continue) {
        result = await this.storage.list(prefix, { continue: opts.continue, limit: opts.limit, predicate });
      } else if (opts.resourceVersion === undefined || opts.resourceVersion === '') {
        result = await this.storage.list(prefix, { limit: opts.limit, predicate });
      } else if (match === 'Exact' || (match === '' && revision > 0 && opts.limit)) {
        // kube: a non-zero resourceVersion with a limit and no match is an exact read.
        result = await this.storage.list(prefix, { revision, limit: opts.limit, predicate });
      } else {
        result = await this.storage.list(prefix, { revision, match: 'NotOlderThan', predicate });
      }
      // Reads are serialized, never changed: no copy (cached objects are shared, backend ones are fresh).
      const items = this.def.conversion ? await this.typedAll(result.items) : result.items.map((o) => this.listedTyped(o));
      const out: ListResultAPI = { items, resourceVersion: String(result.revision) };
      if (result.continue) out.continue = result.continue;
      if (result.remainingItemCount !== undefined && result.continue) out.remainingItemCount = result.remainingItemCount;
      return out;
    } catch (err) {
      this.fail(err, '', opts.continue ? 'continue' : 'list');
    }
  }

  /** externalizeSync(obj), made once per stored instance: listed objects are shared between lists and must not be changed. */
  private listedTyped(obj: StoredObject): KubeObject {
    let typed = this.listed.get(obj);
    if (typed === undefined) {
      typed = this.externalizeSync(obj);
      this.listed.set(obj, typed);
    }
    return typed;
  }

  /** The objects the watch cache holds (in `namespace` for a namespaced resource); undefined until it has synced. */
  count(namespace?: string): number | undefined {
    return this.storage.cachedCount(this.def.info.namespaced && namespace ? namespace : undefined);
  }

  listKind(): string {
    return listKindOf(this.def.info);
  }

  watch(namespace: string, name: string | undefined, opts: APIListOptions): Watcher {
    const invalidOpts = validateListOptions(opts, true);
    if (invalidOpts) throw invalidOpts;
    this.checkFieldSelector(opts.fieldSelector);
    const revision = parseResourceVersion(opts.resourceVersion);
    const nameSelector = name ? FieldSelector.fromSet({ 'metadata.name': name }) : undefined;
    const predicate = this.predicate({ ...opts, fieldSelector: opts.fieldSelector ?? nameSelector });
    const key = name ? this.keyFor(namespace, name) : this.collectionPrefix(namespace);
    // kube: an unset or "0" resourceVersion starts with the current state as ADDED events.
    const initialEvents = opts.sendInitialEvents ?? revision === 0;
    return this.storage.watch(key, {
      revision: initialEvents ? 0 : revision,
      recursive: !name,
      predicate,
      bookmarks: opts.allowWatchBookmarks ?? false,
      initialEvents,
    });
  }

  // ------------------------------------------------------------------ create

  async create(namespace: string, input: KubeObject, opts: CreateOptions = {}): Promise<KubeObject> {
    const given = opts.handOver ? input : structuredClone(input);
    this.checkTypeMeta(given);
    const obj = await this.toStorage(given);
    const meta = metaOf(obj);
    if (this.def.info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (namespace) meta.namespace = namespace;
    } else if (meta.namespace) {
      delete meta.namespace;
    }
    if (meta.resourceVersion) throw newBadRequest('resourceVersion should not be set on objects to be created');
    const generate = !meta.name && Boolean(meta.generateName);
    for (let attempt = 1; ; attempt++) {
      // Only a generated name can take another attempt, which starts again from obj.
      const candidate = generate ? structuredClone(obj) : obj;
      const m = metaOf(candidate);
      if (generate) m.name = generateName(m.generateName!);
      this.beforeCreate(candidate);
      if (this.admit) await this.admit('create', candidate, m.namespace ?? '', opts.requester);
      if (opts.dryRun) {
        // kube's dry run still asks storage whether the name is taken (DryRunnableStorage.Create).
        if (await this.exists(this.keyFor(m.namespace ?? '', m.name!))) {
          if (generate && attempt < GENERATE_NAME_ATTEMPTS) continue;
          throw newAlreadyExists(this.gr, m.name!);
        }
        return await this.typed(candidate);
      }
      try {
        return await this.typed(await this.storage.create(this.keyFor(m.namespace ?? '', m.name!), candidate));
      } catch (err) {
        if (generate && isKeyExists(err) && attempt < GENERATE_NAME_ATTEMPTS) continue;
        this.fail(err, m.name ?? '');
      }
    }
  }

  /** kube's rest.BeforeCreate: system fields, defaults, prepare, validate, canonicalize. */
  private beforeCreate(obj: KubeObject): void {
    const meta = metaOf(obj);
    const strategy = this.def.strategy;
    meta.uid = randomUUID();
    meta.creationTimestamp = this.timestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.def.generation === 'spec') meta.generation = 1;
    else delete meta.generation;
    strategy.defaults?.(obj);
    if (this.def.status) delete obj.status;
    strategy.prepareForCreate?.(obj);
    const errs: FieldError[] = [
      ...validateObjectMeta(meta, { namespaced: this.def.info.namespaced, nameValidator: this.def.nameValidator }),
      ...(strategy.validate?.(obj) ?? []),
    ];
    if (errs.length > 0) throw newInvalid({ group: this.def.info.group, kind: this.def.info.kind }, meta.name ?? meta.generateName ?? '', errs);
    strategy.canonicalize?.(obj);
  }

  private checkTypeMeta(obj: KubeObject): void {
    const want = apiVersionOf(this.def.info);
    if (obj.apiVersion && obj.apiVersion !== want) {
      throw newBadRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    if (obj.kind && obj.kind !== this.def.info.kind) {
      throw newBadRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${this.def.info.kind})`);
    }
    obj.apiVersion = want;
    obj.kind = this.def.info.kind;
  }

  // ------------------------------------------------------------------ update

  /**
   * PUT and PATCH: `updated` computes the next object from the current one
   * inside the storage's read-modify-write, so a PATCH re-applies on conflict.
   * `subresource` "status" changes only status; "" keeps the old status (for
   * kinds with a status subresource).
   */
  async update(namespace: string, name: string, updated: UpdatedObject, opts: UpdateOptions = {}): Promise<UpdateResult> {
    const key = this.keyFor(namespace, name);
    let result: KubeObject | undefined;
    try {
      // A create that loses a race with another one becomes an update of what won (kube's GuaranteedUpdate
      // retries its create-if-absent the same way); a few rounds, in case the object keeps coming and going.
      for (let round = 0; !(await this.exists(key)); round++) {
        if (!(this.def.allowCreateOnUpdate || opts.forceAllowCreate) || opts.subresource) throw newNotFound(this.gr, name);
        const obj = await updated(undefined);
        this.checkNameAndNamespace(obj, namespace, name);
        try {
          return { obj: await this.create(namespace, obj, opts), created: true };
        } catch (err) {
          if (round >= 2 || !isAlreadyExists(err)) throw err;
        }
      }
      const next = await this.storage.guaranteedUpdate(key, async (current) => {
        checkPreconditions(this.gr, name, current as KubeObject, opts.preconditions);
        const old = await this.typed(structuredClone(current) as KubeObject);
        const given = structuredClone(await updated(structuredClone(old)));
        this.checkTypeMeta(given);
        const obj = await this.toStorage(given);
        // The strategy compares against the stored shape.
        const oldStored = this.def.conversion ? ({ ...structuredClone(current) } as KubeObject) : old;
        this.checkNameAndNamespace(obj, namespace, name);
        this.checkResourceVersion(obj, oldStored, name);
        const prepared = this.beforeUpdate(obj, oldStored, opts.subresource ?? '', opts.strategy);
        if (this.admit) await this.admit('update', prepared, namespace, opts.requester);
        result = prepared;
        if (opts.dryRun) throw new DryRunDone();
        return prepared;
      });
      const obj = await this.typed(next);
      if (this.readyToGo(obj)) {
        await this.storage.delete(key, { preconditions: { uid: obj.metadata?.uid } }).catch((err: unknown) => this.fail(err, name));
      }
      return { obj, created: false };
    } catch (err) {
      if (err instanceof DryRunDone && result) return { obj: await this.typed(result), created: false };
      this.fail(err, name);
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.storage.get(key);
      return true;
    } catch (err) {
      if (err instanceof StatusError) throw err;
      if ((err as { code?: string }).code === 'KeyNotFound') return false;
      throw err;
    }
  }

  private checkNameAndNamespace(obj: KubeObject, namespace: string, name: string): void {
    checkNamesMatchURL(obj, namespace, name, this.def.info.namespaced);
    const meta = metaOf(obj);
    meta.name = name;
    if (this.def.info.namespaced) {
      meta.namespace = namespace;
    } else {
      delete meta.namespace;
    }
  }

  /**
   * Optimistic concurrency, as kube's Store.Update: a stale resourceVersion is
   * 409; a missing one is 409 too unless the kind allows unconditional updates,
   * and then the update is made against the current object (its version is taken).
   */
  private checkResourceVersion(obj: KubeObject, old: KubeObject, name: string): void {
    const meta = metaOf(obj);
    if (!meta.resourceVersion) {
      if (this.def.allowUnconditionalUpdate === false) throw newConflict(this.gr, name, OPTIMISTIC_LOCK_MESSAGE);
      meta.resourceVersion = metaOf(old).resourceVersion;
      return;
    }
    if (meta.resourceVersion !== metaOf(old).resourceVersion) throw newConflict(this.gr, name, OPTIMISTIC_LOCK_MESSAGE);
  }

  /** kube's rest.BeforeUpdate, with the status split and the generation bump. */
  private beforeUpdate(obj: KubeObject, old: KubeObject, subresource: string, override?: Strategy): KubeObject {
    const oldMeta = metaOf(old);
    let next = obj;
    if (subresource === 'status') {
      // Only status moves through /status; everything else stays as it was.
      next = structuredClone(old);
      if (obj.status === undefined) delete next.status;
      else next.status = obj.status;
      metaOf(next).resourceVersion = oldMeta.resourceVersion;
      // The managedFields the write recorded (who changed the status) go with it, as kube's status strategies keep them.
      const managed = obj.metadata?.managedFields;
      if (managed !== undefined) metaOf(next).managedFields = managed;
      else delete metaOf(next).managedFields;
    } else if (this.def.status && subresource === '') {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
    const meta = metaOf(next);
    meta.uid ||= oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    if (oldMeta.generation !== undefined) meta.generation = oldMeta.generation;
    else delete meta.generation;
    delete meta.selfLink;
    const strategy = override ?? (subresource === 'status' ? this.def.status?.strategy : undefined) ?? this.def.strategy;
    if (subresource === '') strategy.defaults?.(next);
    strategy.prepareForUpdate?.(next, old);
    if (this.def.generation === 'spec' && subresource === '' && specChanged(next, old)) meta.generation = (oldMeta.generation ?? 0) + 1;
    // validateObjectMetaUpdate also refuses new finalizers on an object being deleted (kube's ValidateNoNewFinalizers).
    const errs: FieldError[] = [...validateObjectMetaUpdate(meta, oldMeta), ...(strategy.validateUpdate?.(next, old) ?? [])];
    if (errs.length > 0) throw newInvalid({ group: this.def.info.group, kind: this.def.info.kind }, meta.name ?? '', errs);
    strategy.canonicalize?.(next);
    return next;
  }

  /** An object being deleted whose last finalizer is gone is removed (kube's shouldDeleteDuringUpdate). */
  private readyToGo(obj: KubeObject): boolean {
    const meta = metaOf(obj);
    return Boolean(meta.deletionTimestamp) && (meta.finalizers ?? []).length === 0 && !this.def.pendingDeletion?.(obj);
  }

  // ------------------------------------------------------------------ delete

  async delete(namespace: string, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const key = this.keyFor(namespace, name);
    let current: KubeObject;
    try {
      current = await this.typed(await this.storage.get(key));
    } catch (err) {
      this.fail(err, name);
    }
    checkPreconditions(this.gr, name, current, opts.preconditions);
    if (this.admit) await this.admit('delete', current, namespace, opts.requester);
    const meta = metaOf(current);
    const mustWait = (meta.finalizers ?? []).length > 0 || Boolean(this.def.pendingDeletion?.(current));
    if (mustWait) {
      if (meta.deletionTimestamp) return { obj: current, deleted: false };
      if (opts.dryRun) {
        const marked = structuredClone(current);
        markAsDeleting(metaOf(marked), this.timestamp());
        return { obj: marked, deleted: false };
      }
      try {
        const marked = await this.storage.guaranteedUpdate(
          key,
          (cur) => {
            const next = structuredClone(cur) as KubeObject;
            checkPreconditions(this.gr, name, next, opts.preconditions);
            markAsDeleting(metaOf(next), this.timestamp());
            this.def.onMarkDeleting?.(next);
            return next;
          },
          { preconditions: opts.preconditions },
        );
        return { obj: await this.typed(marked), deleted: false };
      } catch (err) {
        this.fail(err, name);
      }
    }
    if (opts.dryRun) return { obj: current, deleted: true };
    try {
      const gone = await this.storage.delete(key, {
        preconditions: { uid: meta.uid, ...opts.preconditions },
        validateDeletion: (cur) => {
          const m = metaOf(cur as KubeObject);
          if ((m.finalizers ?? []).length > 0) throw newConflict(this.gr, name, 'the object gained finalizers while being deleted; try again');
        },
      });
      return { obj: await this.typed(gone), deleted: true };
    } catch (err) {
      this.fail(err, name);
    }
  }

  async deleteCollection(namespace: string, listOpts: APIListOptions, opts: DeleteOptions = {}): Promise<KubeObject[]> {
    const { items } = await this.list(namespace, { ...listOpts, limit: undefined, continue: undefined });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      const m = metaOf(item);
      try {
        const r = await this.delete(m.namespace ?? '', m.name ?? '', { dryRun: opts.dryRun, requester: opts.requester });
        deleted.push(r.obj);
      } catch (err) {
        // Gone already: someone else deleted it meanwhile, which is what was asked.
        if (err instanceof StatusError && err.code === 404) continue;
        throw err;
      }
    }
    return deleted;
  }
}

/**
 * kube's checkName: a body that names another object (or, for a namespaced
 * kind, another namespace) than the URL is a 400. Update handlers call it
 * before reading storage, as kube does, so the answer is the same whether or
 * not the object exists.
 */
export function checkNamesMatchURL(obj: KubeObject, namespace: string, name: string, namespaced: boolean): void {
  const meta = obj.metadata;
  if (meta?.name && meta.name !== name) throw newBadRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  if (namespaced && meta?.namespace && meta.namespace !== namespace) {
    throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

/**
 * kube's markAsDeleting: the first mark sets deletionTimestamp and bumps a
 * generation the kind keeps (controllers see the deletion as a change of
 * spec), with a grace period of 0; a later delete changes nothing.
 */
function markAsDeleting(m: NonNullable<KubeObject['metadata']>, now: string): void {
  if (!m.deletionTimestamp && typeof m.generation === 'number' && m.generation > 0) m.generation += 1;
  m.deletionTimestamp ??= now;
  m.deletionGracePeriodSeconds = 0;
}

/** Thrown inside a dry-run update's tryUpdate so nothing is written; the prepared object is the answer. */
class DryRunDone extends Error {}

function checkPreconditions(gr: GroupResource, name: string, obj: KubeObject, pre: DeleteOptions['preconditions']): void {
  const meta = metaOf(obj);
  if (pre?.uid && pre.uid !== meta.uid) {
    throw newConflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
    throw newConflict(
      gr,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
    );
  }
}

/** Anything but metadata and status (and the type fields) counts as spec for the generation bump. */
function specChanged(next: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  };
  return !deepEqual(strip(next), strip(old));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}


