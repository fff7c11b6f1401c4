import { FieldSet, FieldsV1Error } from './field-set.js';

/**
 * metadata.managedFields as data: one entry per manager identity (kube's
 * BuildManagerIdentifier: manager, operation, subresource, and the
 * apiVersion for Update entries, never for Apply ones, so an applier keeps
 * one entry across versions), each with the fields it owns.
 */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface ManagerInfo {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
}

export interface Owner extends ManagerInfo {
  set: FieldSet;
  time?: string;
}

/** Owners by identity. */
export type Managers = Map<string, Owner>;

export function identityOf(m: Pick<ManagerInfo, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // The shape of kube's identifier (JSON of the entry without fields and time), so that printing reads the same.
  const id: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === 'Update' && m.apiVersion) id.apiVersion = m.apiVersion;
  if (m.subresource) id.subresource = m.subresource;
  return JSON.stringify(id);
}

export class ManagedFieldsError extends Error {}

/**
 * Reads metadata.managedFields. Throws a ManagedFieldsError for an entry
 * kube's decoder refuses: an unknown operation or fieldsType, fieldsV1 that
 * does not parse, two entries of one identity.
 */
export function decodeManagers(entries: unknown): Managers {
  const out: Managers = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ManagedFieldsError(`managedFields[${i}] is not an object`);
    const e = raw as ManagedFieldsEntry;
    const str = (v: unknown, name: string): string => {
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string') throw new ManagedFieldsError(`managedFields[${i}].${name} must be a string`);
      return v;
    };
    const operation = str(e.operation, 'operation');
    if (operation !== 'Apply' && operation !== 'Update') throw new ManagedFieldsError(`managedFields[${i}].operation must be Apply or Update, not ${JSON.stringify(operation)}`);
    const fieldsType = str(e.fieldsType, 'fieldsType');
    if (fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`managedFields[${i}].fieldsType must be FieldsV1, not ${JSON.stringify(fieldsType)}`);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch (err) {
      if (err instanceof FieldsV1Error) throw new ManagedFieldsError(`managedFields[${i}].fieldsV1: ${err.message}`);
      throw err;
    }
    const owner: Owner = {
      manager: str(e.manager, 'manager'),
      operation,
      apiVersion: str(e.apiVersion, 'apiVersion'),
      subresource: str(e.subresource, 'subresource'),
      set,
    };
    const time = str(e.time, 'time');
    if (time) owner.time = time;
    const id = identityOf(owner);
    if (out.has(id)) throw new ManagedFieldsError(`managedFields[${i}] repeats the manager ${id}`);
    out.set(id, owner);
  });
  return out;
}

/** kube's sortEncodedManagedFields: Apply before Update, then oldest first, then manager, apiVersion, subresource. */
function compareOwners(p: Owner, q: Owner): number {
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  const ps = p.time ? Date.parse(p.time) / 1000 : 0;
  const qs = q.time ? Date.parse(q.time) / 1000 : 0;
  if (ps !== qs) return ps - qs;
  for (const k of ['manager', 'apiVersion', 'subresource'] as const) {
    if (p[k] !== q[k]) return p[k] < q[k] ? -1 : 1;
  }
  return 0;
}

/** Entries in kube's order and field order; owners with no fields are left out. */
export function encodeManagers(managers: Managers): ManagedFieldsEntry[] {
  return [...managers.values()]
    .filter((o) => !o.set.empty())
    .sort(compareOwners)
    .map((o) => {
      // Every field of kube's entry is omitempty: a client without a name or User-Agent records no manager.
      const e: ManagedFieldsEntry = {};
      if (o.manager) e.manager = o.manager;
      e.operation = o.operation;
      if (o.apiVersion) e.apiVersion = o.apiVersion;
      if (o.time) e.time = o.time;
      e.fieldsType = 'FieldsV1';
      e.fieldsV1 = o.set.toFieldsV1();
      if (o.subresource) e.subresource = o.subresource;
      return e;
    });
}

/** `[]` (a list with nothing) or `[{}]` (one empty entry): the client asks to start over (kube's isResetManagedFields). */
export function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  if (entries.length !== 1) return false;
  const e: unknown = entries[0];
  return typeof e === 'object' && e !== null && !Array.isArray(e) && Object.keys(e).length === 0;
}

/** kube's DefaultMaxUpdateManagers and the bucket older Update entries fold into. */
export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = 'ancient-changes';

/**
 * At most MAX_UPDATE_MANAGERS Update entries (kube's capManagersManager):
 * the oldest fold, per apiVersion, into one `ancient-changes` entry that
 * takes the time of the newest it holds.
 */
export function capUpdateManagers(managers: Managers): void {
  const updaters = [...managers.entries()].filter(([, o]) => o.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([ia, a], [ib, b]) => {
    const ta = a.time ? Date.parse(a.time) : 0;
    const tb = b.time ? Date.parse(b.time) : 0;
    return ta !== tb ? ta - tb : ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  let length = updaters.length;
  const firstOfVersion = new Map<string, string>();
  for (const [id, owner] of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const bucketInfo: ManagerInfo = { manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: owner.apiVersion, subresource: '' };
    const bucketID = identityOf(bucketInfo);
    const first = firstOfVersion.get(owner.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(owner.apiVersion, id);
      continue;
    }
    let bucket = managers.get(bucketID);
    if (!bucket) {
      const firstOwner = managers.get(first)!;
      managers.delete(first);
      bucket = { ...bucketInfo, set: firstOwner.set, ...(firstOwner.time ? { time: firstOwner.time } : {}) };
      managers.set(bucketID, bucket);
    }
    bucket.set = bucket.set.union(owner.set);
    if (owner.time) bucket.time = owner.time;
    managers.delete(id);
    length--;
  }
}
