import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Gauge } from 'prom-client';
import { FastCounterVec, FastHistogramVec, type CounterChild, type HistogramChild } from './fast-vec.js';
import { metricsEnabled, registry } from './registry.js';
import { boundedSubresource, dryRunLabel, isLongRunningVerb, reportedVerb, requestScope, type RequestInfoLike } from './request-labels.js';

/** kube's component label for the API's own routes. */
export const APISERVER_COMPONENT = 'apiserver';

const requestTotal = new FastCounterVec(
  'apiserver_request_total',
  'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
  ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
);

const requestDuration = new FastHistogramVec(
  'apiserver_request_duration_seconds',
  'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
  ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
  [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
);

const responseSizes = new FastHistogramVec(
  'apiserver_response_sizes',
  'Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component.',
  ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
  // kube's ExponentialBuckets(1000, 10, 7): 1 kB to 1 GB.
  [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9],
);

const longRunning = new Gauge({
  name: 'apiserver_longrunning_requests',
  help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
  labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
  registers: [registry],
});

/** The labels of a request but its code (kube's MonitorRequest arguments). */
interface Labels {
  verb: string;
  dryRun: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
  /** All of the above, joined: the key of the label children. */
  key: string;
  /** Its children, resolved on first use: a request after the first of its kind only adds. */
  codes: Map<number, CounterChild>;
  duration: HistogramChild | undefined;
  size: HistogramChild | undefined;
}

/** Per request, from the metrics filter on. */
interface State {
  start: number;
  /** Set when a handler of a served route took the request, or when max-in-flight refused it. */
  labels: Labels | undefined;
  long: Gauge.Internal<string> | undefined;
}

const STATE = Symbol('frontdoor.requestMetrics');
interface WithState extends IncomingMessage {
  [STATE]?: State;
}

// Long-running requests' children by key (prom-client hashes a label set on every labels() call).
const longs = new Map<string, Gauge.Internal<string>>();

/** Every label set seen, by key; bounded as the label values are. */
const labelSets = new Map<string, Labels>();

function labelsOf(verb: string, dryRun: string, group: string, version: string, resource: string, subresource: string, scope: string, component: string): Labels {
  const key = `${verb}|${dryRun}|${group}|${version}|${resource}|${subresource}|${scope}|${component}`;
  let l = labelSets.get(key);
  if (!l) {
    l = { verb, dryRun, group, version, resource, subresource, scope, component, key, codes: new Map(), duration: undefined, size: undefined };
    labelSets.set(key, l);
  }
  return l;
}

/** Starts a request's record (the metrics filter, first in the chain); a no-op with metrics off. */
export function beginRequest(req: IncomingMessage): void {
  if (!metricsEnabled) return;
  (req as WithState)[STATE] = { start: performance.now(), labels: undefined, long: undefined };
}

/**
 * A served resource's handler takes the request (kube's InstrumentRouteFunc):
 * it is reported with its group, version, resource and subresource, which are
 * bounded by what is installed. Long-running ones (WATCH, CONNECT) count in
 * apiserver_longrunning_requests until they end.
 */
export function claimResourceRequest(req: IncomingMessage, info: RequestInfoLike): void {
  // Off: not even a property lookup on the request.
  if (!metricsEnabled) return;
  const state = (req as WithState)[STATE];
  if (!state) return;
  const scope = requestScope(info);
  const verb = reportedVerb(req.method ?? '', scope, info, req.headers['content-type']);
  const labels = labelsOf(verb, dryRunLabel(req.url ?? ''), info.apiGroup, info.apiVersion, info.resource, info.subresource, scope, APISERVER_COMPONENT);
  state.labels = labels;
  if (isLongRunningVerb(verb)) state.long = longChild(labels);
}

/**
 * A non-resource route kube instruments takes the request: the health roots
 * (subresource "/healthz", component "") and discovery ("/api", "/apis").
 */
export function claimNonResourceRequest(req: IncomingMessage, subresource: string, component: string): void {
  if (!metricsEnabled) return;
  const state = (req as WithState)[STATE];
  if (!state) return;
  state.labels = labelsOf('GET', '', '', '', '', subresource, '', component);
}

/**
 * Max-in-flight refused the request with a 429 (kube's RecordDroppedRequest).
 * Its group, version and resource are kept only when `served` says a server
 * here serves them, and its subresource only when it is one of kube's: a
 * client cannot add label sets by asking for made-up resources.
 */
export function recordDroppedRequest(req: IncomingMessage, info: RequestInfoLike, served: boolean): void {
  if (!metricsEnabled) return;
  const state = (req as WithState)[STATE];
  if (!state) return;
  const scope = requestScope(info);
  const verb = reportedVerb(req.method ?? '', scope, info, req.headers['content-type']);
  const keep = info.isResourceRequest && served;
  state.labels = labelsOf(
    verb,
    dryRunLabel(req.url ?? ''),
    keep ? info.apiGroup : '',
    keep ? info.apiVersion : '',
    keep ? info.resource : '',
    keep ? boundedSubresource(info.subresource) : '',
    scope,
    APISERVER_COMPONENT,
  );
}

/**
 * Records a finished (or abandoned) request: its count by code, its latency,
 * and for GET and LIST its response size (the Content-Length, or what a
 * streamed body noted). Requests no route claimed (404s, refusals by
 * authentication or authorization, proxied APIService requests) are not
 * reported, as in kube.
 */
export function endRequest(req: IncomingMessage, code: number, responseBytes: number | undefined): void {
  const state = (req as WithState)[STATE];
  if (!state) return;
  state.long?.dec();
  const l = state.labels;
  if (!l) return;
  let counter = l.codes.get(code);
  if (!counter) {
    counter = requestTotal.child(`${l.key}|${code}`, [l.verb, l.dryRun, l.group, l.version, l.resource, l.subresource, l.scope, l.component, String(code)]);
    l.codes.set(code, counter);
  }
  counter.inc();
  l.duration ??= requestDuration.child(l.key, [l.verb, l.dryRun, l.group, l.version, l.resource, l.subresource, l.scope, l.component]);
  l.duration.observe((performance.now() - state.start) / 1000);
  if ((l.verb === 'GET' || l.verb === 'LIST') && responseBytes !== undefined) {
    l.size ??= responseSizes.child(l.key, [l.verb, l.group, l.version, l.resource, l.subresource, l.scope, l.component]);
    l.size.observe(responseBytes);
  }
}

function longChild(l: Labels): Gauge.Internal<string> {
  let g = longs.get(l.key);
  if (!g) longs.set(l.key, (g = longRunning.labels(l.verb, l.group, l.version, l.resource, l.subresource, l.scope, l.component)));
  g.inc();
  return g;
}

const STREAMED = Symbol('frontdoor.streamedBytes');
interface WithStreamed {
  [STREAMED]?: number;
}

/** A body written in batches without a Content-Length notes its bytes here, for apiserver_response_sizes. */
export function noteStreamedBytes(res: object, bytes: number): void {
  if (!metricsEnabled) return;
  const r = res as WithStreamed;
  r[STREAMED] = (r[STREAMED] ?? 0) + bytes;
}

/** The bytes a streamed body noted, if any. */
export const streamedBytesOf = (res: object): number | undefined => (res as WithStreamed)[STREAMED];
