import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createAPIServiceProxy, type APIServiceProxy } from '../../../src/aggregator/proxy/proxy-handler.js';
import type { ResolvedEndpoint } from '../../../src/aggregator/proxy/resolve.js';
import { setPendingUpgrade } from '../../../src/aggregator/proxy/upgrade-context.js';
import type { UserInfo } from '../../../src/auth/user.js';
import { StaticCertKeyContent } from '../../../src/dynamiccertificates/static-content.js';
import { setUser } from '../../../src/endpoints/request/context.js';
import { discardLogger } from '../../../src/observability/logger.js';
import { Backend, base64, call, closed, closedPort, headerLines, listen, makePKI, SERVICE, stop, type Seen, type TestPKI } from './helpers.js';

const GV = '/apis/example.com/v1';
const bob: UserInfo = { name: 'bob', groups: ['system:authenticated', 'devs'], extra: { scope: ['exec'] } };

/** The bytes a raw connection receives, readable up to a marker as they come. */
class Reader {
  private buf = '';
  private wake: (() => void) | undefined;
  closed = false;

  constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  /** Everything up to and including `marker`, consumed. */
  async until(marker: string): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf(marker);
      if (i >= 0) {
        const out = this.buf.slice(0, i + marker.length);
        this.buf = this.buf.slice(i + marker.length);
        return out;
      }
      if (this.closed) throw new Error(`connection closed before ${JSON.stringify(marker)}; got ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Everything until the connection closes. */
  async rest(): Promise<string> {
    while (!this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
    const out = this.buf;
    this.buf = '';
    return out;
  }
}

async function openUpgrade(port: number, path: string, opts: { method?: string; protocol?: string; extra?: string } = {}): Promise<Reader> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const reader = new Reader(socket);
  socket.write(
    `${opts.method ?? 'POST'} ${path} HTTP/1.1\r\n` +
      'Host: frontdoor.example\r\n' +
      'Connection: Upgrade\r\n' +
      `Upgrade: ${opts.protocol ?? 'SPDY/3.1'}\r\n` +
      'Authorization: Bearer client-token\r\n' +
      'X-Remote-User: mallory\r\n' +
      'Impersonate-User: root\r\n' +
      (opts.extra ?? '') +
      'Content-Length: 0\r\n\r\n',
  );
  return reader;
}

/** A backend upgrade that switches and then echoes. */
function echoUpgrade(protocol: string) {
  return (_req: http.IncomingMessage, socket: Duplex) => {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\n\r\n`);
    socket.write('hello-from-backend;');
    socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString('latin1')};`));
    socket.on('error', () => undefined);
  };
}

describe('APIService proxy: upgrades', () => {
  let pki: TestPKI;
  let backend: Backend;
  let server: http.Server;
  let port = 0;
  let proxy: APIServiceProxy;
  let endpoints: () => ResolvedEndpoint[];

  before(async () => {
    pki = makePKI();
    backend = await Backend.start(pki);
    endpoints = () => [backend.endpoint];
    proxy = createAPIServiceProxy({
      name: 'v1.example.com',
      service: { ...SERVICE, port: 443 },
      caBundle: base64(pki.servingCA.certPem),
      proxyClientCert: new StaticCertKeyContent('proxy-client', pki.proxyClient.certPem, pki.proxyClient.keyPem),
      resolve: () => endpoints(),
      logger: discardLogger,
    });
    const app = express();
    app.use((req, _res, next) => {
      setUser(req, bob);
      next();
    });
    app.use(GV, proxy);
    server = http.createServer(app);
    // What the server would do after authentication and authorization of the upgrade.
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      setUser(req, bob);
      proxy.handleUpgrade(req, socket, head);
    });
    port = await listen(server);
  });
  after(async () => {
    proxy.close();
    await stop(server);
    await backend.stop();
  });

  it('switches protocols and carries bytes both ways, as the user, without the client\'s credentials', async () => {
    backend.onUpgrade = echoUpgrade('SPDY/3.1');
    const seen = backend.nextSeen();
    const client = await openUpgrade(port, `${GV}/namespaces/default/things/a/exec?command=sh&stdin=true`);
    const head = await client.until('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, /\r\nupgrade: SPDY\/3\.1\r\n/i);
    assert.equal(await client.until('hello-from-backend;'), 'hello-from-backend;');
    client.socket.write('ping');
    assert.equal(await client.until('echo:ping;'), 'echo:ping;');
    client.socket.write('pong');
    assert.equal(await client.until('echo:pong;'), 'echo:pong;');

    const s: Seen = await seen;
    assert.equal(s.method, 'POST');
    assert.equal(s.url, `${GV}/namespaces/default/things/a/exec?command=sh&stdin=true`);
    assert.equal(s.headers.authorization, undefined);
    assert.equal(s.headers['impersonate-user'], undefined);
    assert.deepEqual(headerLines(s, 'X-Remote-User'), ['bob']);
    assert.deepEqual(headerLines(s, 'X-Remote-Group'), ['system:authenticated', 'devs']);
    assert.deepEqual(headerLines(s, 'X-Remote-Extra-scope'), ['exec']);
    assert.equal(s.headers.upgrade, 'SPDY/3.1');
    assert.equal(s.peerCN, 'front-proxy-client');
    client.socket.end();
    await closed(client.socket);
  });

  it('proxies a WebSocket upgrade the same way', async () => {
    backend.onUpgrade = echoUpgrade('websocket');
    const client = await openUpgrade(port, `${GV}/things/a/attach`, {
      method: 'GET',
      protocol: 'websocket',
      extra: 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n',
    });
    assert.match(await client.until('\r\n\r\n'), /^HTTP\/1\.1 101 /);
    await client.until('hello-from-backend;');
    client.socket.write('x');
    assert.equal(await client.until('echo:x;'), 'echo:x;');
    client.socket.end();
    await closed(client.socket);
  });

  it('relays a refusal of the upgrade, then closes the client\'s connection so nothing more reaches the backend', async () => {
    let backendSocket: Duplex | undefined;
    let afterRefusal = '';
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 403, reason: 'Forbidden', message: 'no exec for you' });
    backend.onUpgrade = (_req, socket) => {
      backendSocket = socket;
      socket.on('error', () => undefined);
      // The backend keeps its end open after refusing: closing is the proxy's job.
      socket.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      socket.on('data', (d: Buffer) => (afterRefusal += d.toString('latin1')));
    };
    const client = await openUpgrade(port, `${GV}/things/a/exec`);
    const head = await client.until('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 403 Forbidden\r\n/);
    // What a client that went on as if upgraded would send: it must go nowhere.
    if (!client.socket.destroyed) client.socket.write('GET /apis/secret HTTP/1.1\r\nHost: x\r\n\r\n');
    const rest = await client.rest();
    assert.ok(rest.includes('no exec for you'), `relayed body: ${JSON.stringify(rest)}`);
    assert.equal(client.closed, true);
    assert.ok(backendSocket);
    await closed(backendSocket as net.Socket);
    assert.equal(afterRefusal, '');
    // The refused connection did not go back to the pool: the next request is served normally.
    const r = await call(port, `${GV}/things`);
    assert.equal(r.status, 200);
  });

  it('answers 503 naming the APIService when the backend is down, and closes', async () => {
    const down = await closedPort();
    endpoints = () => [{ host: '127.0.0.1', port: down, url: `https://127.0.0.1:${down}` }];
    try {
      const client = await openUpgrade(port, `${GV}/things/a/exec`);
      const all = await client.rest();
      assert.match(all, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
      const status = JSON.parse(all.slice(all.indexOf('\r\n\r\n') + 4)) as { code: number; message: string };
      assert.equal(status.code, 503);
      assert.match(status.message, /^service unavailable: APIService "v1\.example\.com": error trying to reach service: .*ECONNREFUSED/);
    } finally {
      endpoints = () => [backend.endpoint];
    }
  });
});

describe('APIService proxy: an upgrade through the filter chain', () => {
  let pki: TestPKI;
  let backend: Backend;
  let server: http.Server;
  /** The responses the server made for upgrades, newest last. */
  const responses: http.ServerResponse[] = [];
  let port = 0;
  let proxy: APIServiceProxy;

  before(async () => {
    pki = makePKI();
    backend = await Backend.start(pki);
    backend.onUpgrade = echoUpgrade('SPDY/3.1');
    proxy = createAPIServiceProxy({
      name: 'v1.example.com',
      service: { ...SERVICE, port: 443 },
      caBundle: base64(pki.servingCA.certPem),
      resolve: () => [backend.endpoint],
      logger: discardLogger,
    });
    const app = express();
    // Stand-ins for authentication and authorization: they run on the upgrade like on any request.
    app.use((req, res, next) => {
      if (req.headers['x-test-user'] !== 'bob') {
        res.status(401).json({ kind: 'Status', code: 401 });
        return;
      }
      setUser(req, bob);
      next();
    });
    app.use(GV, proxy);
    server = http.createServer(app);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      setPendingUpgrade(req, socket, head);
      const res = new http.ServerResponse(req);
      responses.push(res);
      res.assignSocket(socket as net.Socket);
      res.shouldKeepAlive = false;
      // Answered by a filter (the proxy never took the socket over): the connection ends with the answer.
      res.once('finish', () => socket.end());
      app(req, res);
    });
    port = await listen(server);
  });
  after(async () => {
    proxy.close();
    await stop(server);
    await backend.stop();
  });

  it('is taken over by the proxy once the filters let it through', async () => {
    const seen = backend.nextSeen();
    const client = await openUpgrade(port, `${GV}/things/a/exec?tty=true`, { extra: 'X-Test-User: bob\r\n' });
    assert.match(await client.until('\r\n\r\n'), /^HTTP\/1\.1 101 /);
    await client.until('hello-from-backend;');
    client.socket.write('z');
    assert.equal(await client.until('echo:z;'), 'echo:z;');
    const s = await seen;
    assert.equal(s.url, `${GV}/things/a/exec?tty=true`, 'the path the client asked for, not the one under the mount');
    assert.deepEqual(headerLines(s, 'X-Remote-User'), ['bob']);
    client.socket.end();
    await closed(client.socket);
  });

  it('ends the response it took over when the connection closes, so that what the filters hold is given back', async () => {
    const client = await openUpgrade(port, `${GV}/things/a/exec`, { extra: 'X-Test-User: bob\r\n' });
    await client.until('hello-from-backend;');
    const res = responses.at(-1)!;
    // An in-flight seat, the drain's count: the filters give them back on the response's 'close'.
    const ended = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the response never emitted 'close'")), 10_000);
      res.once('close', () => (clearTimeout(timer), resolve()));
    });
    client.socket.end();
    await closed(client.socket);
    await ended;
  });

  it('is answered by the filters when they refuse it, and never reaches the backend', async () => {
    const before = backend.seen.length;
    const client = await openUpgrade(port, `${GV}/things/a/exec`);
    assert.match(await client.until('\r\n\r\n'), /^HTTP\/1\.1 401 /);
    client.socket.destroy();
    assert.equal(backend.seen.length, before);
  });
});
