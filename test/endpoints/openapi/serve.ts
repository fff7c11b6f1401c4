import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { OpenAPIService } from '../../../src/endpoints/openapi/service.js';

/** Mounts the three handlers as the aggregator will, on an express app. */
export function mountOpenAPI(app: Express, service: OpenAPIService): void {
  app.get('/openapi/v2', (req, res) => service.handleV2(req, res));
  app.get('/openapi/v3', (req, res) => service.handleV3Index(req, res));
  app.get('/openapi/v3/*rest', (req, res) => service.handleV3GroupVersion(req, res));
}

export interface Running {
  base: string;
  app: Express;
  close(): Promise<void>;
}

/** A plain http server on a 127.0.0.1 ephemeral port; `extra` adds middleware and routes ahead of the OpenAPI ones. */
export async function serve(service: OpenAPIService, extra?: (app: Express) => void): Promise<Running> {
  const app = express();
  extra?.(app);
  mountOpenAPI(app, service);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    app,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
