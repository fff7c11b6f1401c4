import { Counter, Gauge } from 'prom-client';
import { metricsEnabled, registry } from './registry.js';

const tlsHandshakeErrors = new Counter({
  name: 'apiserver_tls_handshake_errors_total',
  help: "Number of requests dropped with 'TLS handshake error from' error",
  registers: [registry],
});

const auditEvents = new Counter({
  name: 'apiserver_audit_event_total',
  help: 'Counter of audit events generated and sent to the audit backend.',
  registers: [registry],
});

export const recordTLSHandshakeError = (): void => {
  if (metricsEnabled) tlsHandshakeErrors.inc();
};

export const recordAuditEvent = (): void => {
  if (metricsEnabled) auditEvents.inc();
};

/** A max-in-flight pool as the gauge reads it: the most seats in use since the last read. */
export interface InflightSource {
  takePeak(): number;
}

/** Max-in-flight's pools, weakly: a chain that is dropped (an embedder's stopped server) takes its pools with it. */
const inflightSources = new Set<{ kind: 'readOnly' | 'mutating'; ref: WeakRef<InflightSource> }>();

new Gauge({
  name: 'apiserver_current_inflight_requests',
  help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
  labelNames: ['request_kind'],
  registers: [registry],
  collect() {
    this.reset();
    if (inflightSources.size === 0) return;
    // kube reports both kinds whenever the filter runs, a pool without a limit as 0.
    const totals = { readOnly: 0, mutating: 0 };
    for (const s of inflightSources) {
      const source = s.ref.deref();
      if (source) totals[s.kind] += source.takePeak();
      else inflightSources.delete(s);
    }
    this.labels('readOnly').set(totals.readOnly);
    this.labels('mutating').set(totals.mutating);
  },
});

/**
 * Reports a max-in-flight pool in apiserver_current_inflight_requests. kube
 * samples the high-water mark of the last second on a timer; this reads the
 * one since the previous scrape, so it needs no timer.
 */
export function registerInflightSource(kind: 'readOnly' | 'mutating', source: InflightSource): void {
  if (metricsEnabled) inflightSources.add({ kind, ref: new WeakRef(source) });
}
