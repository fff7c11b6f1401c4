import { installGroupDiscovery } from '../endpoints/discovery.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';

const GROUP = { name: 'apiextensions.k8s.io', versions: ['v1'], preferredVersion: 'v1' };

/**
 * The CRD server. It owns apiextensions.k8s.io and, later, every group that a
 * CustomResourceDefinition adds. Its routes are complete once its CRD cache has
 * synced: the `crd-informer-synced` post-start hook says so.
 */
export function createAPIExtensionsServer(delegate: GenericAPIServer): GenericAPIServer {
  const server = new GenericAPIServer('apiextensions-apiserver', delegate);
  installGroupDiscovery(server.routes, GROUP, () => []);
  server.addAPIGroup(GROUP);
  server.addListedPaths(`/apis/${GROUP.name}`, `/apis/${GROUP.name}/v1`);
  let synced = false;
  server.addPostStartHook('crd-informer-synced', () => {
    synced = true;
  });
  server.addMuxCompleteSignal('CRDInformerSynced', () => synced);
  return server;
}
