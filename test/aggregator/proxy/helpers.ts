/**
 * Real servers for the proxy tests: an HTTPS backend serving as
 * `<svc>.<ns>.svc` that asks for a client certificate and records what it
 * received, and plain-HTTP clients (the frontend's TLS is not the proxy's).
 */
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { newCA, newClientCert, newServingCert, serialOf, type TestCert } from '../../dynamiccertificates/helpers.js';
import type { ResolvedEndpoint } from '../../../src/aggregator/proxy/resolve.js';
import express, { type RequestHandler } from 'express';
import type { APIServiceProxy } from '../../../src/aggregator/proxy/proxy-handler.js';
import type { UserInfo } from '../../../src/auth/user.js';
import { setUser } from '../../../src/endpoints/request/context.js';

export const SERVICE = { namespace: 'ns1', name: 'api' } as const;
export const SERVER_NAME = `${SERVICE.name}.${SERVICE.namespace}.svc`;

export interface TestPKI {
  servingCA: TestCert;
  serving: TestCert;
  proxyCA: TestCert;
  proxyClient: TestCert;
  /** A second proxy client certificate, for rotation. */
  proxyClient2: TestCert;
  otherCA: TestCert;
}

export function makePKI(): TestPKI {
  const servingCA = newCA('backend-ca');
  const proxyCA = newCA('front-proxy-ca');
  return {
    servingCA,
    serving: newServingCert(servingCA, SERVER_NAME, [SERVER_NAME]),
    proxyCA,
    proxyClient: newClientCert(proxyCA, 'front-proxy-client'),
    proxyClient2: newClientCert(proxyCA, 'front-proxy-client-2'),
    otherCA: newCA('unrelated-ca'),
  };
}

export const base64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** What the backend received. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
  /** The client certificate the proxy presented: its CN and serial (upper-case hex), '' when none. */
  peerCN: string;
  peerSerial: string;
  /** The backend's end of the connection the request came on. */
  socket: TLSSocket;
}

export type BackendRoute = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;
export type BackendUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer, seen: Seen) => void;

/** Header values of one name, one per header line. */
export function headerLines(seen: Seen, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < seen.rawHeaders.length; i += 2) if (seen.rawHeaders[i]!.toLowerCase() === name.toLowerCase()) out.push(seen.rawHeaders[i + 1]!);
  return out;
}

export class Backend {
  readonly seen: Seen[] = [];
  /** By pathname; anything else goes to `fallback`, or answers 200 {"ok":true} with a Content-Length. */
  readonly routes = new Map<string, BackendRoute>();
  fallback: BackendRoute | undefined;
  onUpgrade: BackendUpgrade | undefined;
  private waiters: ((s: Seen) => void)[] = [];

  private constructor(readonly server: https.Server) {}

  static async start(pki: TestPKI): Promise<Backend> {
    const server = https.createServer({
      key: pki.serving.keyPem,
      cert: pki.serving.certPem,
      ca: pki.proxyCA.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    });
    // Idle connections stay open until the proxy closes them: tests can see that it does.
    server.keepAliveTimeout = 0;
    const backend = new Backend(server);
    server.on('request', (req, res) => backend.onRequest(req, res));
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const seen = backend.record(req, '');
      if (backend.onUpgrade) backend.onUpgrade(req, socket, head, seen);
      else socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return backend;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get endpoint(): ResolvedEndpoint {
    return { host: '127.0.0.1', port: this.port, url: `https://127.0.0.1:${this.port}` };
  }

  /** The next request the backend records. */
  nextSeen(): Promise<Seen> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = this.record(req, Buffer.concat(chunks).toString('utf8'));
      const route = this.routes.get(pathnameOf(req.url ?? '/')) ?? this.fallback;
      if (route) {
        route(req, res, seen);
        return;
      }
      const body = JSON.stringify({ ok: true });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  }

  private record(req: http.IncomingMessage, body: string): Seen {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const cn: string | string[] | undefined = peer?.subject?.CN;
    const seen: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body,
      peerCN: Array.isArray(cn) ? cn.join(',') : (cn ?? ''),
      peerSerial: peer?.serialNumber ? peer.serialNumber.toUpperCase() : '',
      socket: req.socket as TLSSocket,
    };
    this.seen.push(seen);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(seen);
    return seen;
  }
}

/** The path of a request target; the target itself when it does not parse (hostile tests send such). */
function pathnameOf(url: string): string {
  try {
    return new URL(url, 'https://x').pathname;
  } catch {
    return url;
  }
}

export { serialOf };

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request to the frontend (plain HTTP, a fresh connection). */
export function call(port: number, path: string, opts: { method?: string; headers?: Record<string, string | string[]>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves when the socket has closed (at once if it already has). */
export async function closed(socket: net.Socket): Promise<void> {
  if (socket.closed) return;
  await once(socket, 'close');
}

export async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

export async function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

/** A plain-HTTP frontend: `filters`, then the user set as authentication would, then the proxy mounted at `mount`. */
export async function proxyFrontend(
  proxy: APIServiceProxy,
  mount: string,
  filters: RequestHandler[] = [],
  user: UserInfo = { name: 'alice', groups: ['system:authenticated'] },
): Promise<{ server: http.Server; port: number }> {
  const app = express();
  for (const f of filters) app.use(f);
  app.use((req, _res, next) => {
    setUser(req, user);
    next();
  });
  app.use(mount, proxy);
  const server = http.createServer(app);
  return { server, port: await listen(server) };
}
