import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import { ownedGroupRoutes } from '../endpoints/discovery/owned-routes.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';

const GROUP = 'apiextensions.k8s.io';

/**
 * The CRD server. It owns apiextensions.k8s.io and, later, every group that a
 * CustomResourceDefinition adds. Its routes are complete once its CRD cache has
 * synced: the `crd-informer-synced` post-start hook says so.
 */
export function createAPIExtensionsServer(delegate: GenericAPIServer, discovery: DiscoveryManager): GenericAPIServer {
  const server = new GenericAPIServer('apiextensions-apiserver', delegate);
  discovery.setGroupVersion({ group: GROUP, version: 'v1', resources: [] });
  server.routes.use(ownedGroupRoutes(discovery, (g) => g === GROUP));
  server.addListedPaths(`/apis/${GROUP}`, `/apis/${GROUP}/v1`);
  let synced = false;
  server.addPostStartHook('crd-informer-synced', () => {
    synced = true;
  });
  server.addMuxCompleteSignal('CRDInformerSynced', () => synced);
  return server;
}
