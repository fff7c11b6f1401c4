import { apiGroupList, installGroupDiscovery } from '../endpoints/discovery.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';

const GROUP = { name: 'apiregistration.k8s.io', versions: ['v1'], preferredVersion: 'v1' };

/**
 * The outermost server: apiregistration.k8s.io, the /apis discovery document of
 * the whole chain, and (later) the proxy to APIService backends. Its routes are
 * complete once APIServices are registered: the
 * `apiservice-registration-controller` post-start hook says so.
 */
export function createAggregatorServer(delegate: GenericAPIServer): GenericAPIServer {
  const server = new GenericAPIServer('kube-aggregator', delegate);
  server.addAPIGroup(GROUP);
  server.routes.get('/apis', (_req, res) => {
    res.json(apiGroupList(server.apiGroups()));
  });
  installGroupDiscovery(server.routes, GROUP, () => []);
  server.addListedPaths('/apis', `/apis/${GROUP.name}`, `/apis/${GROUP.name}/v1`);
  let registered = false;
  server.addPostStartHook('apiservice-registration-controller', () => {
    registered = true;
  });
  server.addMuxCompleteSignal('APIServiceRegistrationControllerInitiated', () => registered);
  return server;
}
