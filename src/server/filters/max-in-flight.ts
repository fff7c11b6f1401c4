import type { RequestHandler } from 'express';
import { newInternalError, newTooManyRequests } from '../../apimachinery/status-error.js';
import { SYSTEM_MASTERS } from '../../auth/user.js';
import { requestInfoFrom, userFrom } from '../../endpoints/request/context.js';
import type { RequestInfo } from '../../endpoints/request/request-info.js';
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
}

/** kube's nonMutatingRequestVerbs. */
const NON_MUTATING_VERBS = new Set(['get', 'list', 'watch']);

/** Health probes always answer, so that an overloaded server is not also restarted or taken out of rotation. */
const isHealthProbe = (info: RequestInfo): boolean =>
  !info.isResourceRequest && /^\/(healthz|livez|readyz)(\/|$)/.test(info.path);

/** A counter of occupied seats; a request takes all its seats or none. */
class Seats {
  private used = 0;
  constructor(readonly limit: number) {}

  tryAcquire(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  release(n: number): void {
    this.used -= n;
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
    if (!pool.tryAcquire(want)) {
      if (userFrom(req)?.groups.includes(SYSTEM_MASTERS)) {
        next();
        return;
      }
      next(newTooManyRequests('Too many requests, please try again later.', 1));
      return;
    }
    // 'close' comes once per response: after it finished, or when the client left first.
    res.once('close', () => pool.release(want));
    next();
  };
}
