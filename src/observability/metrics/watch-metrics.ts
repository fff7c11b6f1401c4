import { Gauge } from 'prom-client';
import { FastCounterVec, FastHistogramVec, type CounterChild, type HistogramChild } from './fast-vec.js';
import { metricsEnabled, registry } from './registry.js';

const registeredWatchers = new Gauge({
  name: 'apiserver_registered_watchers',
  help: 'Number of currently registered watchers for a given resources',
  labelNames: ['group', 'version', 'kind'],
  registers: [registry],
});

// Counted per event per watcher: children that add, not prom-client's that hash their labels on each call.
const watchEvents = new FastCounterVec('apiserver_watch_events_total', 'Number of events sent in watch clients', ['group', 'version', 'resource']);

const watchEventSizes = new FastHistogramVec(
  'apiserver_watch_events_sizes',
  'Watch event size distribution in bytes',
  ['group', 'version', 'resource'],
  // kube's ExponentialBuckets(1024, 2, 8): 1 KiB to 128 KiB.
  [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072],
);

/** One watch's record: it is registered until ended, and counts each event it sends. */
export interface WatchRecorder {
  sent(bytes: number): void;
  ended(): void;
}

interface Children {
  registered: Gauge.Internal<string>;
  events: CounterChild;
  sizes: HistogramChild;
}

const children = new Map<string, Children>();
const noop: WatchRecorder = { sent: () => {}, ended: () => {} };

/** Registers a watch of a served resource (labels bounded by what is installed); call ended() once when it ends. */
export function startWatchRecorder(group: string, version: string, resource: string, kind: string): WatchRecorder {
  if (!metricsEnabled) return noop;
  const key = `${group}|${version}|${resource}|${kind}`;
  let c = children.get(key);
  if (!c) {
    const gvr = `${group}|${version}|${resource}`;
    c = { registered: registeredWatchers.labels(group, version, kind), events: watchEvents.child(gvr, [group, version, resource]), sizes: watchEventSizes.child(gvr, [group, version, resource]) };
    children.set(key, c);
  }
  const { registered, events, sizes } = c;
  registered.inc();
  let done = false;
  return {
    sent(bytes) {
      events.inc();
      sizes.observe(bytes);
    },
    ended() {
      if (done) return;
      done = true;
      registered.dec();
    },
  };
}
