import { Counter, Gauge } from 'prom-client';
import { metricsEnabled, registry } from './registry.js';

/** APIService name → 1 while unavailable, 0 while available; an APIService that is gone is forgotten. */
const apiServiceAvailability = new Map<string, Map<object, boolean>>();

new Gauge({
  name: 'aggregator_unavailable_apiservice',
  help: 'Gauge of APIServices which are marked as unavailable broken down by APIService name.',
  labelNames: ['name'],
  registers: [registry],
  collect() {
    this.reset();
    // Several in-process chains may check one APIService: unavailable if any of them finds it so.
    for (const [name, byOwner] of apiServiceAvailability) this.labels(name).set([...byOwner.values()].some((available) => !available) ? 1 : 0);
  },
});

const unavailableTotal = new Counter({
  name: 'aggregator_unavailable_apiservice_total',
  help: 'Counter of APIServices which are marked as unavailable broken down by APIService name and reason.',
  labelNames: ['name', 'reason'],
  registers: [registry],
});

/**
 * The availability controller's verdict on an APIService, by the controller
 * (`owner`) that reached it. A change to unavailable counts once in
 * aggregator_unavailable_apiservice_total with its reason.
 */
export function setAPIServiceAvailability(owner: object, name: string, available: boolean, reason: string): void {
  if (!metricsEnabled) return;
  let byOwner = apiServiceAvailability.get(name);
  if (!byOwner) apiServiceAvailability.set(name, (byOwner = new Map()));
  const before = byOwner.get(owner);
  byOwner.set(owner, available);
  if (!available && before !== false) unavailableTotal.labels(name, reason).inc();
}

/** The APIService was deleted (or the controller stopped): its series goes. */
export function forgetAPIService(owner: object, name: string): void {
  const byOwner = apiServiceAvailability.get(name);
  if (!byOwner) return;
  byOwner.delete(owner);
  if (byOwner.size === 0) apiServiceAvailability.delete(name);
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
