import { isConflict, isNotFound } from '../../apimachinery/status-error.js';
import type { LabelSelector } from '../../apimachinery/labels.js';
import { realClock, sleep, type Clock } from '../../controller/clock.js';
import { discardLogger, type Logger } from '../../observability/logger.js';
import type { KubeObject } from '../../registry/object.js';
import type { Store } from '../../registry/store.js';

export interface APIServerLeaseGCOptions {
  leases: Store;
  namespace: string;
  /** Which Leases are API server identities (the others are never touched). */
  selector: LabelSelector;
  /** Between sweeps; the first runs at once. */
  periodMs: number;
  clock?: Clock;
  /** Wall time, compared with renewTime. */
  now?: () => Date;
  logger?: Logger;
}

interface LeaseSpec {
  renewTime?: string | null;
  leaseDurationSeconds?: number | null;
}

/**
 * kube's isLeaseExpired: renewTime + leaseDurationSeconds is in the past, or
 * either is missing (such a Lease was not written by a heartbeat and is invalid).
 */
export function isLeaseExpired(lease: KubeObject, now: Date): boolean {
  const spec = (lease as { spec?: LeaseSpec }).spec;
  const renew = spec?.renewTime ? Date.parse(spec.renewTime) : NaN;
  const duration = spec?.leaseDurationSeconds;
  if (Number.isNaN(renew) || typeof duration !== 'number') return true;
  return renew + duration * 1000 < now.getTime();
}

/**
 * kube's apiserverleasegc controller: deletes the identity Leases of API
 * servers that stopped renewing them. Each sweep lists the identity Leases,
 * reads each expired one again and deletes it only if it is still expired,
 * with its resourceVersion as a precondition, so a Lease renewed in between
 * survives. Runs on the elected replica only (one sweeper per cluster).
 */
export class APIServerLeaseGC {
  private readonly clock: Clock;
  private readonly now: () => Date;
  private readonly logger: Logger;

  constructor(private readonly opts: APIServerLeaseGCOptions) {
    this.clock = opts.clock ?? realClock;
    this.now = opts.now ?? (() => new Date());
    this.logger = opts.logger ?? discardLogger;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.logger.info('starting apiserver lease garbage collector');
    while (!signal.aborted) {
      await this.gc();
      await sleep(this.clock, this.opts.periodMs, signal);
    }
    this.logger.info('shutting down apiserver lease garbage collector');
  }

  /** One sweep; returns the names it deleted. Never throws: failures are logged and left to the next sweep. */
  async gc(): Promise<string[]> {
    const { namespace, leases } = this.opts;
    let items: KubeObject[];
    try {
      items = (await leases.list(namespace, { labelSelector: this.opts.selector })).items;
    } catch (err) {
      this.logger.error('error while listing apiserver leases', { err: describe(err) });
      return [];
    }
    const deleted: string[] = [];
    for (const listed of items) {
      const name = listed.metadata?.name ?? '';
      if (!isLeaseExpired(listed, this.now())) continue;
      try {
        // The list may be stale (a watch cache): judge the latest copy.
        const lease = await leases.get(namespace, name);
        if (!isLeaseExpired(lease, this.now())) continue;
        await leases.delete(namespace, name, { preconditions: { resourceVersion: lease.metadata?.resourceVersion } });
        deleted.push(name);
        this.logger.info('deleted expired apiserver lease', { lease: `${namespace}/${name}`, holder: (lease as { spec?: { holderIdentity?: string } }).spec?.holderIdentity });
      } catch (err) {
        // Gone (another sweeper, a person) or renewed since it was read: nothing to collect.
        if (isNotFound(err) || isConflict(err)) {
          this.logger.v(4).info('apiserver lease changed or is gone already', { lease: `${namespace}/${name}`, err: describe(err) });
          continue;
        }
        this.logger.error('error deleting apiserver lease', { lease: `${namespace}/${name}`, err: describe(err) });
      }
    }
    return deleted;
  }

}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
