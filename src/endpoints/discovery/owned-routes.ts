import { Router } from 'express';
import type { DiscoveryManager } from './manager.js';

/**
 * The group and group-version discovery routes of one server of the chain:
 * it answers only for the groups it owns and passes the rest on, as each kube
 * server installs discovery for its own groups. `/api` and `/apis` (the
 * lists of everything) belong to the outermost server.
 */
export function ownedGroupRoutes(manager: DiscoveryManager, owns: (group: string) => boolean): Router {
  const router = Router();
  router.get('/api/:version', (req, res, next) => {
    if (!owns('')) return next();
    manager.handleGroupVersion(req, res, '', req.params.version, () => next());
  });
  router.get('/apis/:group', (req, res, next) => {
    if (!owns(req.params.group)) return next();
    manager.handleGroup(req, res, req.params.group, () => next());
  });
  router.get('/apis/:group/:version', (req, res, next) => {
    if (!owns(req.params.group)) return next();
    manager.handleGroupVersion(req, res, req.params.group, req.params.version, () => next());
  });
  return router;
}

/** `/api` and `/apis`: the lists of every group, for the outermost server. */
export function rootRoutes(manager: DiscoveryManager): Router {
  const router = Router();
  router.get('/api', (req, res) => manager.handleApi(req, res));
  router.get('/apis', (req, res) => manager.handleApis(req, res));
  return router;
}
