import type { Router } from 'express';
import { scrape } from '../observability/metrics/index.js';

/**
 * GET /metrics: the process's metrics in Prometheus text format. A
 * non-resource path like /healthz: the whole filter chain runs before it, so
 * RBAC decides who reads it (kube's system:monitoring ClusterRole grants it to
 * the system:monitoring group; system:masters may read everything).
 */
export function installMetrics(router: Router): void {
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await scrape();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-cache, private');
    res.status(200).send(body);
  });
}
