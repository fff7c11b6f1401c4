import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The process's one metrics registry (kube's legacyregistry): every server
 * of the chain, and every chain an embedding process starts, records into
 * it, as kube-apiserver's three servers share theirs. Metrics that describe
 * state (objects stored, watch caches, APIServices) are read at scrape time
 * from sources that unregister when they stop, so they add up across servers
 * and leave nothing behind.
 */
export const registry = new Registry();

/**
 * FRONTDOOR_METRICS=off turns recording off (for the bench's on/off
 * comparison): the request filter is not installed and every hook is a no-op.
 * /metrics still answers, with the process and Node.js metrics only.
 */
export const metricsEnabled: boolean = (process.env.FRONTDOOR_METRICS ?? '').toLowerCase() !== 'off';

// process_* and nodejs_* (process_cpu_seconds_total, process_resident_memory_bytes... as
// client_golang's process collector names them), read when scraped.
collectDefaultMetrics({ register: registry });

/** The registry in Prometheus text format, and its content type. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
