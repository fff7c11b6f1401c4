import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { newConflict } from '../../apimachinery/status-error.js';
import { isNotFound } from '../../apimachinery/status-error.js';
import type { GroupResource } from '../../apimachinery/status-error.js';
import type { LeaderElectionRecord, ObservedRecord, ResourceLock } from './resource-lock.js';

/** kube's identity for a leader-elected component: `<hostname>_<uuid>`, unique per process. */
export const newHolderIdentity = (host: string = hostname()): string => `${host}_${randomUUID()}`;

/** metav1.MicroTime's wire form: RFC 3339 with exactly six fractional digits. */
export const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number | null;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number | null;
}

const parseTime = (s: string | null | undefined): Date | undefined => {
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** client-go's LeaseSpecToLeaderElectionRecord: absent fields read as zero values. */
export function recordOf(spec: LeaseSpec | undefined): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: parseTime(spec?.acquireTime),
    renewTime: parseTime(spec?.renewTime),
    leaderTransitions: spec?.leaseTransitions ?? 0,
  };
}

/** client-go's LeaderElectionRecordToLeaseSpec. */
export function specOf(r: LeaderElectionRecord): LeaseSpec {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    ...(r.acquireTime ? { acquireTime: microTime(r.acquireTime) } : {}),
    ...(r.renewTime ? { renewTime: microTime(r.renewTime) } : {}),
    leaseTransitions: r.leaderTransitions,
  };
}

function observed(lease: LeaseObject): ObservedRecord {
  const spec = lease.spec as LeaseSpec | undefined;
  const record = recordOf(spec);
  // A fixed field order, so equal records serialize equally whoever wrote them.
  const raw = JSON.stringify([spec?.holderIdentity ?? '', spec?.leaseDurationSeconds ?? 0, spec?.acquireTime ?? '', spec?.renewTime ?? '', spec?.leaseTransitions ?? 0]);
  return { record, raw, resourceVersion: lease.metadata?.resourceVersion ?? '' };
}

/** A Lease as this lock reads and writes it. */
interface LeaseObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  spec?: unknown;
  [k: string]: unknown;
}

/**
 * What the lock needs of the leases Store (the registry's Store satisfies it;
 * the controller layer does not import the registry).
 */
export interface LeaseStore {
  readonly gr: GroupResource;
  get(namespace: string, name: string): Promise<LeaseObject>;
  create(namespace: string, obj: LeaseObject): Promise<LeaseObject>;
  update(namespace: string, name: string, updated: (current: LeaseObject | undefined) => LeaseObject | Promise<LeaseObject>): Promise<{ obj: LeaseObject }>;
}

/**
 * client-go's LeaseLock, written through the server's own leases Store (so the
 * Lease is validated, versioned and watched like any other): get, create, and
 * an update that carries the resourceVersion it read, which the Store turns
 * into a 409 when someone else wrote in between.
 */
export class LeaseLock implements ResourceLock {
  constructor(
    private readonly leases: LeaseStore,
    readonly namespace: string,
    readonly name: string,
  ) {}

  describe(): string {
    return `${this.namespace}/${this.name}`;
  }

  async get(): Promise<ObservedRecord | undefined> {
    try {
      return observed(await this.leases.get(this.namespace, this.name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async create(record: LeaderElectionRecord): Promise<ObservedRecord> {
    const lease: LeaseObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
      spec: specOf(record),
    };
    return observed(await this.leases.create(this.namespace, lease));
  }

  async update(record: LeaderElectionRecord, resourceVersion: string): Promise<ObservedRecord> {
    const { obj } = await this.leases.update(this.namespace, this.name, (current) => {
      // Gone since it was read: as stale as a newer version (the caller reads again).
      if (!current) throw newConflict(this.leases.gr, this.name, 'the lease was deleted');
      return { ...current, metadata: { ...current.metadata, resourceVersion }, spec: specOf(record) };
    });
    return observed(obj);
  }
}
