import { Counter, Gauge } from 'prom-client';
import { metricsEnabled, registry } from './registry.js';

/** Where aggregator_unavailable_apiservice reads the APIServices: one source per running aggregator. */
const apiServiceSources = new Set<() => Iterable<{ name: string; available: boolean }>>();

new Gauge({
  name: 'aggregator_unavailable_apiservice',
  help: 'Gauge of APIServices which are marked as unavailable broken down by APIService name.',
  labelNames: ['name'],
  registers: [registry],
  collect() {
    // Read from the APIServices' stored conditions at scrape time (as kube's availabilityCollector reads its
    // lister): every replica reports, not only the one that probes, and a deleted APIService's series goes.
    this.reset();
    for (const source of apiServiceSources) {
      for (const { name, available } of source()) this.labels(name).set(available ? 0 : 1);
    }
  },
});

const unavailableTotal = new Counter({
  name: 'aggregator_unavailable_apiservice_total',
  help: 'Counter of APIServices which are marked as unavailable broken down by APIService name and reason.',
  labelNames: ['name', 'reason'],
  registers: [registry],
});

/** Reports the APIServices `list` gives in aggregator_unavailable_apiservice; returns the function that stops it. */
export function registerAPIServiceAvailability(list: () => Iterable<{ name: string; available: boolean }>): () => void {
  if (!metricsEnabled) return () => {};
  apiServiceSources.add(list);
  return () => void apiServiceSources.delete(list);
}

/** The availability controller marked an APIService unavailable (it was not before). */
export function recordAPIServiceUnavailable(name: string, reason: string): void {
  if (metricsEnabled) unavailableTotal.labels(name, reason).inc();
}

const openAPIV3Regenerations = new Counter({
  name: 'apiextensions_openapi_v3_regeneration_count',
  help: 'Counter of OpenAPI v3 spec regeneration count broken down by group, version, causing CRD and reason.',
  labelNames: ['group', 'version', 'crd', 'reason'],
  registers: [registry],
});

/** A CRD's group-version OpenAPI v3 document was regenerated: reason "add", "update" or "remove". */
export function recordOpenAPIV3Regeneration(group: string, version: string, crd: string, reason: 'add' | 'update' | 'remove'): void {
  if (metricsEnabled) openAPIV3Regenerations.labels(group, version, crd, reason).inc();
}
