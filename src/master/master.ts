import { apiResourceList, apiVersions } from '../endpoints/discovery.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';

export interface MasterOptions {
  /** host:port clients reach this server at, for /api's serverAddressByClientCIDRs. */
  serverAddress: () => string;
}

/**
 * The core server: the legacy group at /api/v1 and the built-in named groups.
 * Resources arrive with the built-in API; for now it serves their discovery roots.
 */
export function createMasterServer(delegate: GenericAPIServer, opts: MasterOptions): GenericAPIServer {
  const server = new GenericAPIServer('kube-apiserver', delegate);
  server.routes.get('/api', (_req, res) => {
    res.json(apiVersions(['v1'], opts.serverAddress()));
  });
  server.routes.get('/api/v1', (_req, res) => {
    res.json(apiResourceList('', 'v1', []));
  });
  server.addListedPaths('/api', '/api/v1');
  return server;
}
