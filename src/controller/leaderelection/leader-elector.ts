import { discardLogger, type Logger } from '../../observability/logger.js';
import { realClock, sleep, type Clock } from '../clock.js';
import type { LeaderElectionRecord, ObservedRecord, ResourceLock } from './resource-lock.js';

/** client-go's JitterFactor for the acquire loop: each wait is retryPeriod × [1, 2.2). */
export const JITTER_FACTOR = 1.2;

/** kube's defaults (kube-controller-manager's --leader-elect-*). */
export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;

export interface LeaderCallbacks {
  /** Called on each acquisition; the signal aborts the moment leadership is lost (or the elector stops). */
  onStartedLeading(signal: AbortSignal): void;
  /** Called after each term ends. */
  onStoppedLeading?(): void;
  /** Called when the observed holder changes (including to this replica; "" when released). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionConfig {
  lock: ResourceLock;
  /** This replica's holderIdentity (newHolderIdentity()). */
  identity: string;
  callbacks: LeaderCallbacks;
  /** How long a follower waits, from when it last saw the record change, before taking over. */
  leaseDurationMs?: number;
  /** How long a leader keeps trying to renew before it stops leading. */
  renewDeadlineMs?: number;
  /** Between attempts. */
  retryPeriodMs?: number;
  /** On stop, a leader hands the lease back (holder "", 1 s) so another takes over at once; default true. */
  releaseOnCancel?: boolean;
  /** Monotonic time for expiry and timers (default real). */
  clock?: Clock;
  /** Wall time for the record's acquireTime/renewTime. */
  now?: () => Date;
  /** For the jitter; default Math.random. */
  random?: () => number;
  logger?: Logger;
}

type Attempt = 'ok' | 'held' | 'failed';

/**
 * client-go's LeaderElector. Acquire: try every retryPeriod (jittered) until
 * the lease is free, expired or ours. Lead: renew every retryPeriod; a round
 * that has not renewed within renewDeadline ends the term at that instant
 * (its signal aborts even if a storage call is still hanging). A follower
 * judges expiry by its own monotonic clock from the moment it last saw the
 * record change (observedTime), never by comparing the record's timestamps to
 * its clock. Unlike kube-controller-manager, which exits when it loses the
 * lease, the elector goes back to acquiring.
 */
export class LeaderElector {
  private readonly lock: ResourceLock;
  private readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly logger: Logger;
  private observedRecord: LeaderElectionRecord | undefined;
  private observedRaw = '';
  private observedVersion = '';
  private observedTime = 0;
  private reportedLeader: string | undefined;
  private leading = false;
  /** Attempts run one at a time: a late one from a round that timed out never races the next. */
  private attempts: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: LeaderElectionConfig) {
    this.lock = config.lock;
    this.identity = config.identity;
    this.leaseDurationMs = config.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.renewDeadlineMs = config.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.retryPeriodMs = config.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    this.clock = config.clock ?? realClock;
    this.now = config.now ?? (() => new Date());
    this.random = config.random ?? Math.random;
    this.logger = config.logger ?? discardLogger;
    // client-go's NewLeaderElector checks.
    if (!this.identity) throw new RangeError('leader election needs a holder identity');
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new RangeError('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= JITTER_FACTOR * this.retryPeriodMs) throw new RangeError('renewDeadline must be greater than retryPeriod*JitterFactor');
    if (this.retryPeriodMs < 1) throw new RangeError('retryPeriod must be greater than zero');
    if (this.leaseDurationMs % 1000 !== 0) throw new RangeError('leaseDuration must be whole seconds (leaseDurationSeconds)');
  }

  /** True during a term. */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder this replica last observed ("" when released, undefined before the first read). */
  getLeader(): string | undefined {
    return this.observedRecord?.holderIdentity;
  }

  /** Acquires, leads, and acquires again after a loss, until the signal aborts; then releases if leading. Call once. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) break;
      const term = new AbortController();
      this.leading = true;
      try {
        this.config.callbacks.onStartedLeading(term.signal);
      } catch (err) {
        this.logger.error('starting the leader-only controllers failed', { lease: this.lock.describe(), err: describe(err) });
      }
      await this.renew(signal);
      this.leading = false;
      term.abort(new Error('leader election lost'));
      if (!signal.aborted) this.logger.warn('leader election lost', { lease: this.lock.describe(), identity: this.identity });
      this.config.callbacks.onStoppedLeading?.();
    }
    if (this.config.releaseOnCancel ?? true) await this.release();
  }

  /** Resolves true once this replica holds the lease, false if the signal aborted first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.logger.info('attempting to acquire leader lease', { lease: this.lock.describe(), identity: this.identity });
    while (!signal.aborted) {
      const result = await this.tryAcquireOrRenew();
      if (signal.aborted) return false;
      if (result === 'ok') {
        this.logger.info('successfully acquired lease', { lease: this.lock.describe(), identity: this.identity });
        return true;
      }
      await sleep(this.clock, this.retryPeriodMs * (1 + this.random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  /** Renews every retryPeriod; returns when a round fails to renew within renewDeadline, another holder is seen, or on abort. */
  private async renew(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.renewRound(signal))) return;
      await sleep(this.clock, this.retryPeriodMs, signal);
    }
  }

  /** One round: attempts at once and every retryPeriod; false when renewDeadline passes first or another replica holds it. */
  private renewRound(signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      let cancelRetry: (() => void) | undefined;
      const finish = (renewed: boolean) => {
        if (settled) return;
        settled = true;
        cancelDeadline();
        cancelRetry?.();
        signal.removeEventListener('abort', onAbort);
        resolve(renewed);
      };
      const cancelDeadline = this.clock.setTimer(this.renewDeadlineMs, () => {
        this.logger.error('failed to renew lease within the renew deadline', { lease: this.lock.describe(), renewDeadlineMs: this.renewDeadlineMs });
        finish(false);
      });
      // Stopping is not losing: run() tells the two apart by the signal.
      const onAbort = () => finish(true);
      signal.addEventListener('abort', onAbort, { once: true });
      const attempt = async () => {
        const result = await this.tryAcquireOrRenew();
        if (settled) return;
        if (result === 'ok') return finish(true);
        if (result === 'held') {
          this.logger.error('the lease is held by another replica', { lease: this.lock.describe(), holder: this.observedRecord?.holderIdentity });
          return finish(false);
        }
        cancelRetry = this.clock.setTimer(this.retryPeriodMs, () => void attempt());
      };
      void attempt();
    });
  }

  /**
   * client-go's tryAcquireOrRenew, serialized. Never throws: failures are
   * logged and answered 'failed'. An attempt whose storage calls have not
   * answered within the renew deadline counts as failed (client-go bounds
   * them by the same deadline), so a hung call never blocks the next one.
   */
  private tryAcquireOrRenew(): Promise<Attempt> {
    const next = this.attempts.then(
      () =>
        new Promise<Attempt>((resolve) => {
          const cancel = this.clock.setTimer(this.renewDeadlineMs, () => {
            this.logger.error('the lease storage did not answer within the renew deadline', { lease: this.lock.describe() });
            resolve('failed');
          });
          this.tryOnce().then(
            (result) => {
              cancel();
              resolve(result);
            },
            (err: unknown) => {
              // Only a callback can throw here (tryOnce answers storage failures itself).
              cancel();
              this.logger.error('leader election attempt failed', { lease: this.lock.describe(), err: describe(err) });
              resolve('failed');
            },
          );
        }),
    );
    this.attempts = next;
    return next;
  }

  private async tryOnce(): Promise<Attempt> {
    const now = this.now();
    const desired: LeaderElectionRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseDurationMs / 1000,
      acquireTime: now,
      renewTime: now,
      leaderTransitions: 0,
    };
    let old: ObservedRecord | undefined;
    try {
      old = await this.lock.get();
    } catch (err) {
      this.logger.error('error retrieving the lease', { lease: this.lock.describe(), err: describe(err) });
      return 'failed';
    }
    if (!old) {
      try {
        this.observe(await this.lock.create(desired));
        return 'ok';
      } catch (err) {
        this.logger.error('error creating the lease', { lease: this.lock.describe(), err: describe(err) });
        return 'failed';
      }
    }
    // Expiry is measured from when this replica saw the record last change.
    if (old.raw !== this.observedRaw) this.observe(old);
    else this.observedVersion = old.resourceVersion;
    const current = old.record;
    const mine = current.holderIdentity === this.identity;
    if (current.holderIdentity !== '' && !mine && this.observedTime + current.leaseDurationSeconds * 1000 > this.clock.now()) {
      this.logger.v(4).info('the lease is held by another replica and has not expired', { lease: this.lock.describe(), holder: current.holderIdentity });
      return 'held';
    }
    if (mine) {
      desired.acquireTime = current.acquireTime;
      desired.leaderTransitions = current.leaderTransitions;
    } else {
      desired.leaderTransitions = current.leaderTransitions + 1;
    }
    try {
      this.observe(await this.lock.update(desired, old.resourceVersion));
      return 'ok';
    } catch (err) {
      this.logger.error('failed to update the lease', { lease: this.lock.describe(), err: describe(err) });
      return 'failed';
    }
  }

  /** client-go's release: holder "", duration 1 s, so followers take over at their next attempt. */
  private async release(): Promise<void> {
    await this.attempts;
    if (this.observedRecord?.holderIdentity !== this.identity) return;
    const now = this.now();
    try {
      this.observe(
        await this.lock.update(
          { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaderTransitions: this.observedRecord.leaderTransitions },
          this.observedVersion,
        ),
      );
      this.logger.info('released the leader lease', { lease: this.lock.describe() });
    } catch (err) {
      this.logger.error('failed to release the lease', { lease: this.lock.describe(), err: describe(err) });
    }
  }

  private observe(o: ObservedRecord): void {
    this.observedRecord = o.record;
    this.observedRaw = o.raw;
    this.observedVersion = o.resourceVersion;
    this.observedTime = this.clock.now();
    const holder = o.record.holderIdentity;
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder) this.logger.info('new leader elected', { lease: this.lock.describe(), leader: holder, self: holder === this.identity });
      this.config.callbacks.onNewLeader?.(holder);
    }
  }

}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
