import { performance } from 'node:perf_hooks';
import { Gauge } from 'prom-client';
import { FastCounterVec, FastHistogramVec } from './fast-vec.js';
import { metricsEnabled, registry } from './registry.js';

/**
 * kube's storage metrics (k8s.io/apiserver/pkg/storage/etcd3/metrics), with
 * its names whichever backend stores the objects: a dashboard built for
 * kube-apiserver on etcd reads frontdoor on SQLite unchanged, as it reads k3s
 * on kine. `type` is kube's group-resource ("configmaps", "deployments.apps").
 */
const requestDuration = new FastHistogramVec(
  'etcd_request_duration_seconds',
  'Etcd request latency in seconds for each operation and object type (the SQLite backend reports its requests here too).',
  ['operation', 'type'],
  [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
);

const requestsTotal = new FastCounterVec('etcd_requests_total', 'Etcd request counts for each operation and object type.', ['operation', 'type']);

const requestErrors = new FastCounterVec('etcd_request_errors_total', 'Etcd failed request counts for each operation and object type.', ['operation', 'type']);

/** Where apiserver_storage_objects reads its counts: one source per watch cache while it runs. */
const objectSources = new Set<{ resource: string; count: () => number | undefined }>();

new Gauge({
  name: 'apiserver_storage_objects',
  help: 'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
  labelNames: ['resource'],
  registers: [registry],
  collect() {
    this.reset();
    const totals = new Map<string, number>();
    for (const s of objectSources) {
      const n = s.count();
      // A cache that has not synced yet knows no count: it reports nothing rather than a wrong one.
      if (n !== undefined) totals.set(s.resource, (totals.get(s.resource) ?? 0) + n);
    }
    for (const [resource, n] of totals) this.labels(resource).set(n);
  },
});

/** Counts a resource's stored objects at scrape time; returns the function that stops it. */
export function registerStorageObjects(resource: string, count: () => number | undefined): () => void {
  if (!metricsEnabled) return () => {};
  const source = { resource, count };
  objectSources.add(source);
  return () => void objectSources.delete(source);
}

/** One storage operation's record, its children resolved once per operation and type. */
export interface StorageRequestRecorder {
  /** Call when the operation has finished, with whether it failed. */
  done(start: number, failed: boolean): void;
}

const recorders = new Map<string, StorageRequestRecorder>();
const noop: StorageRequestRecorder = { done: () => {} };

/** The recorder of one operation ("get", "create", "update", "delete", "list", "listWithCount") on one type. */
export function storageRequestRecorder(operation: string, type: string): StorageRequestRecorder {
  if (!metricsEnabled) return noop;
  const key = `${operation}|${type}`;
  let r = recorders.get(key);
  if (!r) {
    const duration = requestDuration.child(key, [operation, type]);
    const total = requestsTotal.child(key, [operation, type]);
    const errors = requestErrors.child(key, [operation, type]);
    r = {
      done(start, failed) {
        duration.observe((performance.now() - start) / 1000);
        total.inc();
        if (failed) errors.inc();
      },
    };
    recorders.set(key, r);
  }
  return r;
}

export const storageClock = (): number => performance.now();
