export { registry, metricsEnabled, scrape } from './registry.js';
