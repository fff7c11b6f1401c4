import type { RequestInfo } from '../../endpoints/request/request-info.js';

/** Whether a request may legitimately run for minutes (kube's LongRunningRequestCheck). */
export type LongRunningRequestCheck = (info: RequestInfo) => boolean;

const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

/**
 * kube-apiserver's BasicLongRunningRequestCheck(watch, proxy; attach, exec,
 * proxy, log, portforward): such requests are neither timed out nor counted
 * against max-in-flight, since they hold a connection by design.
 */
export const isLongRunning: LongRunningRequestCheck = (info) =>
  LONG_RUNNING_VERBS.has(info.verb) ||
  (info.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource)) ||
  (!info.isResourceRequest && info.path.startsWith('/debug/pprof/'));
