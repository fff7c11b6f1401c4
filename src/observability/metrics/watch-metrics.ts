import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsEnabled, registry } from './registry.js';

const registeredWatchers = new Gauge({
  name: 'apiserver_registered_watchers',
  help: 'Number of currently registered watchers for a given resources',
  labelNames: ['group', 'version', 'kind'],
  registers: [registry],
});

const watchEvents = new Counter({
  name: 'apiserver_watch_events_total',
  help: 'Number of events sent in watch clients',
  labelNames: ['group', 'version', 'resource'],
  registers: [registry],
});

const watchEventSizes = new Histogram({
  name: 'apiserver_watch_events_sizes',
  help: 'Watch event size distribution in bytes',
  labelNames: ['group', 'version', 'resource'],
  // kube's ExponentialBuckets(1024, 2, 8): 1 KiB to 128 KiB.
  buckets: [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072],
  registers: [registry],
});

/** One watch's record: it is registered until ended, and counts each event it sends. */
export interface WatchRecorder {
  sent(bytes: number): void;
  ended(): void;
}

interface Children {
  registered: Gauge.Internal<string>;
  events: Counter.Internal;
  sizes: Histogram.Internal<string>;
}

const children = new Map<string, Children>();
const noop: WatchRecorder = { sent: () => {}, ended: () => {} };

/** Registers a watch of a served resource (labels bounded by what is installed); call ended() once when it ends. */
export function startWatchRecorder(group: string, version: string, resource: string, kind: string): WatchRecorder {
  if (!metricsEnabled) return noop;
  const key = `${group}|${version}|${resource}|${kind}`;
  let c = children.get(key);
  if (!c) {
    c = { registered: registeredWatchers.labels(group, version, kind), events: watchEvents.labels(group, version, resource), sizes: watchEventSizes.labels(group, version, resource) };
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
