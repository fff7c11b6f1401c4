/**
 * How kube's k8s.io/apiserver/pkg/endpoints/metrics reports a request: the
 * verb (from the HTTP method, GET of a collection as LIST, WATCH, APPLY,
 * CONNECT, anything else "other"), the scope, and the dry_run value. Every
 * value comes from a small fixed set, so clients cannot grow the label sets.
 */

/** What the labels read of a request's RequestInfo (the endpoints' RequestInfo has these fields). */
export interface RequestInfoLike {
  isResourceRequest: boolean;
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  parts: readonly string[];
}

/** kube's validRequestMethods; any other reported verb is "other". */
const VALID_VERBS = new Set(['APPLY', 'CONNECT', 'CREATE', 'DELETE', 'DELETECOLLECTION', 'GET', 'LIST', 'PATCH', 'POST', 'PROXY', 'PUT', 'UPDATE', 'WATCH', 'WATCHLIST']);

/** kube's validConnectRequests: their requests are reported as CONNECT. */
const CONNECT_SUBRESOURCES = new Set(['log', 'exec', 'portforward', 'attach', 'proxy']);

const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * The scope kube's installer gives a route: an item path (or a create)
 * "resource", a namespaced collection "namespace", any other collection
 * "cluster"; non-resource paths "". (kube's CleanScope differs only for a
 * list whose field selector names one object, which the route still calls a
 * collection.)
 */
export function requestScope(info: RequestInfoLike): string {
  if (!info.isResourceRequest) return '';
  if (info.parts.length > 1 || info.verb === 'create') return 'resource';
  return info.namespace ? 'namespace' : 'cluster';
}

/**
 * kube's cleanVerb(CanonicalVerb(METHOD, scope)): the reported verb is the
 * method's, GET (and HEAD) of a collection being LIST; a watch (by path or
 * ?watch) WATCH; a PATCH with an apply body APPLY; a connect subresource
 * CONNECT; an unknown method "other".
 */
export function reportedVerb(method: string, scope: string, info: RequestInfoLike, contentType: string | undefined): string {
  let verb = method === 'GET' || method === 'HEAD' ? (scope !== 'resource' && scope !== '' ? 'LIST' : 'GET') : method.toUpperCase();
  if (info.verb === 'watch') verb = 'WATCH';
  else if (verb === 'PATCH' && contentType === APPLY_PATCH) verb = 'APPLY';
  if (info.isResourceRequest && CONNECT_SUBRESOURCES.has(info.subresource)) verb = 'CONNECT';
  return VALID_VERBS.has(verb) ? verb : 'other';
}

/** Whether a reported verb holds its connection by design (kube records those in apiserver_longrunning_requests). */
export const isLongRunningVerb = (verb: string): boolean => verb === 'WATCH' || verb === 'CONNECT';

/**
 * kube's cleanDryRun: "" without dryRun, the sorted distinct values when all
 * are valid ("All" is the only one), "invalid" otherwise.
 */
export function dryRunLabel(url: string): string {
  // Most requests have no dryRun: no parse for them.
  if (!url.includes('dryRun')) return '';
  const q = url.indexOf('?');
  if (q < 0) return '';
  const values = new URLSearchParams(url.slice(q + 1)).getAll('dryRun');
  if (values.length === 0) return '';
  return values.every((v) => v === 'All') ? 'All' : 'invalid';
}

/**
 * Subresources a request refused before any handler saw it (429) may carry:
 * kube's own, so that a client cannot add label values by naming others.
 */
const KNOWN_SUBRESOURCES = new Set([
  'status', 'scale', 'log', 'exec', 'portforward', 'attach', 'proxy', 'binding', 'eviction', 'token', 'ephemeralcontainers', 'resize', 'finalize', 'approval',
]);

export const boundedSubresource = (subresource: string): string => (KNOWN_SUBRESOURCES.has(subresource) ? subresource : '');
