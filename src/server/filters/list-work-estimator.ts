import type { IncomingMessage } from 'node:http';
import type { RequestInfo } from '../../endpoints/request/request-info.js';

/** How many objects of the request's resource (in its namespace, if any) the watch cache holds; undefined when unknown. */
export type ObjectCountGetter = (info: RequestInfo) => number | undefined;

/** The seats a request occupies while it runs (API Priority and Fairness's work estimate). */
export type WorkEstimator = (req: IncomingMessage, info: RequestInfo) => number;

/** APF's defaults: a seat per 100 objects a LIST processes, between 1 and 10 seats. */
const OBJECTS_PER_SEAT = 100;
const MIN_SEATS = 1;
const MAX_SEATS = 10;

/**
 * APF's list work estimator, for our storage paths: a LIST occupies one seat
 * per 100 objects it will read, so a few unpaged LISTs of thousands of objects
 * fill the in-flight limit as the work they do would. A paged LIST reads at
 * most `limit` objects, except when served whole from the watch cache
 * (resourceVersion=0 or NotOlderThan), which ignores `limit` here as in kube's
 * cache. An unknown count (not cached, or served elsewhere) costs the minimum,
 * as kube's ObjectCountNotFoundErr does. Every other request is one seat.
 */
export function listWorkEstimator(count: ObjectCountGetter): WorkEstimator {
  return (req, info) => {
    if (info.verb !== 'list' || !info.isResourceRequest) return MIN_SEATS;
    const stored = count(info);
    if (stored === undefined) return MIN_SEATS;
    const q = queryOf(req.url ?? '');
    const limit = Number(q?.get('limit') ?? '');
    const paged = Number.isInteger(limit) && limit > 0 && !servedWholeFromCache(q);
    const objects = paged ? Math.min(limit, stored) : stored;
    return Math.min(MAX_SEATS, Math.max(MIN_SEATS, Math.ceil(objects / OBJECTS_PER_SEAT)));
  };
}

const queryOf = (url: string): URLSearchParams | undefined => {
  const i = url.indexOf('?');
  return i < 0 ? undefined : new URLSearchParams(url.slice(i + 1));
};

/** The Store's rule: a resourceVersion without continue, not an exact read, is answered whole from the cache. */
function servedWholeFromCache(q: URLSearchParams | undefined): boolean {
  const rv = q?.get('resourceVersion') ?? '';
  if (!q || rv === '' || q.get('continue')) return false;
  const match = q.get('resourceVersionMatch') ?? '';
  return match === 'NotOlderThan' || (match === '' && rv === '0');
}
