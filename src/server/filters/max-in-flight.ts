import type { RequestHandler } from 'express';
import { newInternalError, newTooManyRequests } from '../../apimachinery/status-error.js';
import { SYSTEM_MASTERS } from '../../auth/user.js';
import { requestInfoFrom, userFrom } from '../../endpoints/request/context.js';
import type { RequestInfo } from '../../endpoints/request/request-info.js';
import { recordDroppedRequest } from '../../observability/metrics/request-metrics.js';
import { registerInflightSource, type InflightSource } from '../../observability/metrics/server-metrics.js';
import { isLongRunning, type LongRunningRequestCheck } from './long-running.js';
import type { WorkEstimator } from './list-work-estimator.js';

export interface MaxInFlightOptions {
  /** --max-requests-inflight: seats for get, list and watch (and non-resource reads); 0: no limit. */
  nonMutatingLimit: number;
  /** --max-mutating-requests-inflight: seats for everything else; 0: no limit. */
  mutatingLimit: number;
  /** Requests that are never counted; default kube's (watch, proxy, exec...). */
  longRunning?: LongRunningRequestCheck;
  /** Seats a non-mutating request occupies; default one each. */
  seats?: WorkEstimator;
  /**
   * API Priority and Fairness's queueing: a request over the limit waits, in
   * arrival order, until seats free up, at most `maxWaitMs`, with at most
   * `maxLength` waiting per pool (default: as many as the pool has seats);
   * beyond either it gets the 429. Absent: the
   * 429 comes at once. Waiting (rather than a 429 and an immediate retry from
   * clients that ignore Retry-After) is what keeps a storm from spending the
   * server's time on refusals.
   */
  queue?: { maxLength?: number; maxWaitMs: number };
  /** Whether a server here serves a request's resource: a 429's metric labels name it only then. */
  served?: (info: RequestInfo) => boolean;
}

/** kube's nonMutatingRequestVerbs. */
const NON_MUTATING_VERBS = new Set(['get', 'list', 'watch']);

/** Health probes always answer, so that an overloaded server is not also restarted or taken out of rotation. */
const isHealthProbe = (info: RequestInfo): boolean =>
  !info.isResourceRequest && /^\/(healthz|livez|readyz)(\/|$)/.test(info.path);

/** A waiting request: how many seats it wants, and what to run once it has them. */
interface Waiter {
  n: number;
  grant: () => void;
}

/** A counter of occupied seats; a request takes all its seats or none. Waiters are served in arrival order. */
class Seats implements InflightSource {
  private used = 0;
  /** The most seats in use since apiserver_current_inflight_requests last read it. */
  private peak = 0;
  private readonly waiting: Waiter[] = [];
  constructor(readonly limit: number) {}

  tryAcquire(n: number): boolean {
    // Arrivals do not overtake requests already waiting.
    if (this.waiting.length > 0 || this.used + n > this.limit) return false;
    this.used += n;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }

  takePeak(): number {
    const peak = Math.max(this.peak, this.used);
    this.peak = this.used;
    return peak;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for n seats; returns a function that gives up the place in the line (false if already granted). */
  wait(waiter: Waiter): () => boolean {
    this.waiting.push(waiter);
    return () => {
      const i = this.waiting.indexOf(waiter);
      if (i < 0) return false;
      this.waiting.splice(i, 1);
      // The head may fit now that a larger request before it left.
      this.grantWaiting();
      return true;
    };
  }

  release(n: number): void {
    this.used -= n;
    this.grantWaiting();
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0]!.n <= this.limit) {
      const w = this.waiting.shift()!;
      this.used += w.n;
      if (this.used > this.peak) this.peak = this.used;
      w.grant();
    }
  }
}

/**
 * kube's WithMaxInFlightLimit, counted in APF's seats: a request over the
 * limit is refused at once with 429 and Retry-After: 1 rather than queued, so
 * an overloaded server sheds work instead of stalling everyone. Long-running
 * requests and health probes are exempt; system:masters are served anyway
 * (kube: "a super-admin or a loopback connection"). A request holds its seats
 * until its response is done or its connection closed. A no-op with both
 * limits 0.
 */
export function withMaxInFlight(opts: MaxInFlightOptions): RequestHandler {
  if (opts.nonMutatingLimit === 0 && opts.mutatingLimit === 0) return (_req, _res, next) => next();
  const nonMutating = opts.nonMutatingLimit > 0 ? new Seats(opts.nonMutatingLimit) : undefined;
  const mutating = opts.mutatingLimit > 0 ? new Seats(opts.mutatingLimit) : undefined;
  if (nonMutating) registerInflightSource('readOnly', nonMutating);
  if (mutating) registerInflightSource('mutating', mutating);
  // kube's RecordDroppedRequest: the 429 counts in apiserver_request_total.
  const tooMany = (req: Parameters<RequestHandler>[0], info: RequestInfo) => {
    recordDroppedRequest(req, info, opts.served?.(info) ?? false);
    return newTooManyRequests('Too many requests, please try again later.', 1);
  };
  const longRunning = opts.longRunning ?? isLongRunning;
  const seatsOf: WorkEstimator = opts.seats ?? (() => 1);
  return (req, res, next) => {
    const info = requestInfoFrom(req);
    if (!info) {
      next(newInternalError('no RequestInfo found in context, handler chain must be wrong'));
      return;
    }
    if (longRunning(info) || isHealthProbe(info)) {
      next();
      return;
    }
    const isMutating = !NON_MUTATING_VERBS.has(info.verb);
    const pool = isMutating ? mutating : nonMutating;
    if (!pool) {
      next();
      return;
    }
    // A request wanting more seats than exist takes them all, as APF caps a request at its level's limit.
    const want = isMutating ? 1 : Math.min(pool.limit, seatsOf(req, info));
    // 'close' comes once per response: after it finished, or when the client left first.
    const admit = () => {
      res.once('close', () => pool.release(want));
      next();
    };
    if (pool.tryAcquire(want)) {
      admit();
      return;
    }
    if (userFrom(req)?.groups.includes(SYSTEM_MASTERS)) {
      next();
      return;
    }
    if (!opts.queue || pool.queued >= (opts.queue.maxLength ?? pool.limit)) {
      next(tooMany(req, info));
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const leave = pool.wait({
      n: want,
      grant: () => {
        clearTimeout(timer);
        res.off('close', gone);
        if (res.writableEnded || res.destroyed) pool.release(want);
        else admit();
      },
    });
    // A client that leaves while waiting gives up its place.
    const gone = () => {
      clearTimeout(timer);
      leave();
    };
    res.once('close', gone);
    timer = setTimeout(() => {
      res.off('close', gone);
      if (leave()) next(tooMany(req, info));
    }, opts.queue.maxWaitMs);
  };
}
