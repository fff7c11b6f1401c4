/**
 * What leader election reads and writes (client-go's resourcelock): one
 * record, stored in a Lease, changed only with optimistic concurrency.
 */

/** client-go's LeaderElectionRecord. Times are wall-clock (they are shown to people); expiry is never judged by them. */
export interface LeaderElectionRecord {
  /** "" when nobody holds it (released). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: Date;
  renewTime?: Date;
  leaderTransitions: number;
}

/** A record as read, with what a follower compares (raw) and what an update must name (resourceVersion). */
export interface ObservedRecord {
  record: LeaderElectionRecord;
  /** The record serialized: any change by anyone changes it, which restarts a follower's expiry clock. */
  raw: string;
  resourceVersion: string;
}

export interface ResourceLock {
  /** "namespace/name", for logs. */
  describe(): string;
  /** undefined when the lock object does not exist; throws when it cannot be read. */
  get(): Promise<ObservedRecord | undefined>;
  /** Throws if it exists already. */
  create(record: LeaderElectionRecord): Promise<ObservedRecord>;
  /** Throws a conflict unless the stored object is still at resourceVersion. */
  update(record: LeaderElectionRecord, resourceVersion: string): Promise<ObservedRecord>;
}
