import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DiscoveryGroupVersion, DiscoveryResource } from '../../../src/endpoints/discovery/index.js';
import type { DiscoveryManager } from '../../../src/endpoints/discovery/index.js';

export const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUB = ['get', 'patch', 'update'];

export const configmaps: DiscoveryResource = {
  resource: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', namespaced: true,
  // Out of order on purpose: discovery sorts verbs as kube's installer does.
  verbs: ['watch', 'create', 'get', 'list', 'update', 'patch', 'delete', 'deletecollection'],
  shortNames: ['cm'], storageVersionHash: 'qFsyl6wFWjQ=',
};

export const namespaces: DiscoveryResource = {
  resource: 'namespaces', singularName: 'namespace', kind: 'Namespace', namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'],
  subresources: [
    { subresource: 'status', kind: 'Namespace', verbs: SUB },
    { subresource: 'finalize', kind: 'Namespace', verbs: ['update'] },
  ],
};

export const deployments: DiscoveryResource = {
  resource: 'deployments', singularName: 'deployment', kind: 'Deployment', namespaced: true,
  verbs: RW, shortNames: ['deploy'], categories: ['all'],
  subresources: [
    { subresource: 'status', kind: 'Deployment', verbs: SUB },
    { subresource: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: SUB },
  ],
};

export const coreV1 = (): DiscoveryGroupVersion => ({ group: '', version: 'v1', resources: [namespaces, configmaps] });
export const appsV1 = (): DiscoveryGroupVersion => ({ group: 'apps', version: 'v1', resources: [deployments] });

export const widgets = (version: string): DiscoveryGroupVersion => ({
  group: 'example.com', version,
  resources: [{ resource: 'widgets', singularName: 'widget', kind: 'Widget', namespaced: true, verbs: RW, shortNames: ['wd'] }],
});

export const AGG_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGG_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
/** What kubectl 1.32 sends for /api and /apis. */
export const KUBECTL_ACCEPT = `${AGG_V2},${AGG_V2BETA1},application/json`;

/** A plain node http server dispatching to the manager's handlers (no express), plus /version for kubectl. */
export function discoveryHandler(manager: DiscoveryManager): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const parts = path.split('/').filter(Boolean);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.end();
    } else if (path === '/version') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' }));
    } else if (path === '/api') manager.handleApi(req, res);
    else if (path === '/apis') manager.handleApis(req, res);
    else if (parts[0] === 'api' && parts.length === 2) manager.handleGroupVersion(req, res, '', parts[1]!);
    else if (parts[0] === 'apis' && parts.length === 2) manager.handleGroup(req, res, parts[1]!);
    else if (parts[0] === 'apis' && parts.length === 3) manager.handleGroupVersion(req, res, parts[1]!, parts[2]!);
    else {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 }));
    }
  };
}

export interface Listening {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
