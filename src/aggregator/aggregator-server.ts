import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import { ownedGroupRoutes, rootRoutes } from '../endpoints/discovery/owned-routes.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';

const GROUP = 'apiregistration.k8s.io';

/**
 * The outermost server: apiregistration.k8s.io, the /api and /apis discovery
 * documents of the whole chain, and (later) the proxy to APIService backends.
 * Its routes are complete once APIServices are registered: the
 * `apiservice-registration-controller` post-start hook says so.
 */
export function createAggregatorServer(delegate: GenericAPIServer, discovery: DiscoveryManager): GenericAPIServer {
  const server = new GenericAPIServer('kube-aggregator', delegate);
  discovery.setGroupVersion({ group: GROUP, version: 'v1', resources: [] });
  server.routes.use(rootRoutes(discovery));
  server.routes.use(ownedGroupRoutes(discovery, (g) => g === GROUP));
  server.addListedPaths('/api', '/apis', `/apis/${GROUP}`, `/apis/${GROUP}/v1`);
  let registered = false;
  server.addPostStartHook('apiservice-registration-controller', () => {
    registered = true;
  });
  server.addMuxCompleteSignal('APIServiceRegistrationControllerInitiated', () => registered);
  return server;
}
