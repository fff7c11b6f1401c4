/**
 * Every metric frontdoor reports, registered (on import) in the process
 * registry whether or not anything has recorded into it yet, so that a scrape
 * shows each family from the start, as kube's registered collectors do.
 */
import './request-metrics.js';
import './storage-metrics.js';
import './watch-metrics.js';
import './server-metrics.js';
import './extension-metrics.js';

export { registry, metricsEnabled, scrape } from './registry.js';
