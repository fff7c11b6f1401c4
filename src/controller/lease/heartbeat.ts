import { isConflict, isNotFound, newConflict } from '../../apimachinery/status-error.js';
import { discardLogger, type Logger } from '../../observability/logger.js';
import { realClock, sleep, type Clock } from '../clock.js';
import { microTime, type LeaseStore } from '../leaderelection/lease-lock.js';

/** A Lease as the leases Store hands it out. */
export type LeaseObject = Awaited<ReturnType<LeaseStore['get']>>;

/** component-helpers' maxUpdateRetries: updates tried in one round before falling back to a read. */
const MAX_UPDATE_RETRIES = 5;
/** The first wait of the ensure loop's backoff; it doubles up to the renew interval. */
const ENSURE_BACKOFF_START_MS = 200;

export interface LeaseHeartbeatOptions {
  leases: LeaseStore;
  namespace: string;
  name: string;
  holderIdentity: string;
  leaseDurationSeconds: number;
  renewIntervalMs: number;
  /** Adjusts each Lease before it is written (labels); an error is logged and the Lease written as it is. */
  process?: (lease: LeaseObject) => void;
  clock?: Clock;
  /** Wall time for renewTime. */
  now?: () => Date;
  logger?: Logger;
}

/**
 * k8s.io/component-helpers' lease controller: a heartbeat Lease that one
 * process owns outright (no election): every renew interval it writes its
 * holderIdentity, duration and a fresh renewTime. It updates optimistically
 * from the Lease it last wrote (no read); on any failure it falls back to a
 * read, creating the Lease if it is missing, with backoff until that works.
 * On stop it writes nothing: the Lease is left to expire, as kube does.
 */
export class LeaseHeartbeat {
  private readonly clock: Clock;
  private readonly now: () => Date;
  private readonly logger: Logger;
  private latest: LeaseObject | undefined;

  constructor(private readonly opts: LeaseHeartbeatOptions) {
    this.clock = opts.clock ?? realClock;
    this.now = opts.now ?? (() => new Date());
    this.logger = opts.logger ?? discardLogger;
  }

  describe(): string {
    return `${this.opts.namespace}/${this.opts.name}`;
  }

  /** Syncs at once, then every renew interval (from the end of the previous sync), until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.sync(signal);
      await sleep(this.clock, this.opts.renewIntervalMs, signal);
    }
  }

  /** One heartbeat; never throws (failures are logged and retried at the next one). */
  async sync(signal: AbortSignal): Promise<void> {
    if (this.latest) {
      try {
        await this.retryUpdate(this.latest, signal);
        return;
      } catch (err) {
        if (signal.aborted) return;
        this.logger.info('failed to update the lease from the last one written; reading it again', { lease: this.describe(), err: describe(err) });
      }
    }
    const ensured = await this.backoffEnsure(signal);
    if (!ensured) return;
    this.latest = ensured.lease;
    // A Lease just created already carries a fresh renewTime.
    if (ensured.created) return;
    try {
      await this.retryUpdate(ensured.lease, signal);
    } catch (err) {
      if (signal.aborted) return;
      this.logger.error('failed to renew the lease; retrying at the next interval', { lease: this.describe(), err: describe(err), intervalMs: this.opts.renewIntervalMs });
    }
  }

  /** Reads the Lease, or creates it when missing; retries with backoff until one works or the signal aborts. */
  private async backoffEnsure(signal: AbortSignal): Promise<{ lease: LeaseObject; created: boolean } | undefined> {
    for (let delay = ENSURE_BACKOFF_START_MS; !signal.aborted; delay = Math.min(delay * 2, this.opts.renewIntervalMs)) {
      try {
        return await this.ensure();
      } catch (err) {
        if (signal.aborted) return undefined;
        this.logger.error('failed to ensure the lease exists; will retry', { lease: this.describe(), err: describe(err), retryInMs: delay });
      }
      await sleep(this.clock, delay, signal);
    }
    return undefined;
  }

  private async ensure(): Promise<{ lease: LeaseObject; created: boolean }> {
    try {
      return { lease: await this.opts.leases.get(this.opts.namespace, this.opts.name), created: false };
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const lease = await this.opts.leases.create(this.opts.namespace, this.desired(undefined));
    return { lease, created: true };
  }

  /**
   * Writes a renewed copy of `base`, carrying base's resourceVersion so that
   * a Lease written by someone else in between is a conflict (then the caller
   * reads it again). Other failures are retried a few times at once, unless
   * the controller is stopping (storage may be closing under it).
   */
  private async retryUpdate(base: LeaseObject, signal: AbortSignal): Promise<void> {
    let last: unknown;
    for (let i = 0; i < MAX_UPDATE_RETRIES && !signal.aborted; i++) {
      try {
        const { obj } = await this.opts.leases.update(this.opts.namespace, this.opts.name, (current) => {
          // Deleted since it was written (the GC, or a person): recreated by the read that follows.
          if (!current) throw newConflict(this.opts.leases.gr, this.opts.name, 'the lease was deleted');
          return this.desired(base);
        });
        this.latest = obj;
        return;
      } catch (err) {
        last = err;
        if (isConflict(err) || isNotFound(err) || signal.aborted) throw err;
        this.logger.warn('failed to update the lease', { lease: this.describe(), err: describe(err), attempt: i + 1 });
      }
    }
    throw last ?? new Error('the lease heartbeat is stopping');
  }

  /** component-helpers' newLease: base (or a new skeleton) with this holder, duration and renewTime now. */
  private desired(base: LeaseObject | undefined): LeaseObject {
    const lease: LeaseObject = base
      ? structuredClone(base)
      : { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.opts.name, namespace: this.opts.namespace } };
    const spec = typeof lease.spec === 'object' && lease.spec !== null ? (lease.spec as Record<string, unknown>) : {};
    lease.spec = {
      ...spec,
      holderIdentity: this.opts.holderIdentity,
      leaseDurationSeconds: this.opts.leaseDurationSeconds,
      renewTime: microTime(this.now()),
    };
    if (this.opts.process) {
      try {
        this.opts.process(lease);
      } catch (err) {
        this.logger.error('failed to process the lease before writing it', { lease: this.describe(), err: describe(err) });
      }
    }
    return lease;
  }

}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
