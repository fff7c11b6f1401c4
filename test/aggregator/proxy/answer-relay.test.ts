import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createAPIServiceProxy, type APIServiceProxy } from '../../../src/aggregator/proxy/proxy-handler.js';
import { discardLogger } from '../../../src/observability/logger.js';
import { Backend, base64, makePKI, proxyFrontend, SERVICE, stop } from './helpers.js';

const GV = '/apis/example.com/v1';

/** GET through the proxy: the status, the bytes that came, and whether the answer was cut. */
function get(port: number, path: string, read?: (res: http.IncomingMessage) => void): Promise<{ status: number; body: Buffer; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `${GV}${path}`, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let cut = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => (cut = true));
      res.on('error', () => (cut = true));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), cut: cut || !res.complete }));
      read?.(res);
    });
    req.on('error', reject);
  });
}

/** How the backend's answer reaches the client: whole, at the slower side's pace, and cut on both sides when one side fails. */
describe('APIService proxy: the backend answer to the client', () => {
  let backend: Backend;
  let proxy: APIServiceProxy;
  let server: http.Server;
  let port: number;
  before(async () => {
    const pki = makePKI();
    backend = await Backend.start(pki);
    proxy = createAPIServiceProxy({ name: 'v1.example.com', service: { ...SERVICE, port: 443 }, caBundle: base64(pki.servingCA.certPem), resolve: () => [backend.endpoint], logger: discardLogger });
    ({ server, port } = await proxyFrontend(proxy, GV));
  });
  after(async () => {
    proxy.close();
    await stop(server);
    await backend.stop();
  });

  it('passes the body whole and ends the response with it', async () => {
    backend.routes.set(`${GV}/two-parts`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one,');
      setTimeout(() => res.end('two'), 10);
    });
    const r = await get(port, '/two-parts');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'one,two');
    assert.equal(r.cut, false);
  });

  it('keeps to the slower side: a large body reaches a slow reader intact', async () => {
    const size = 16 * 1024 * 1024;
    const body = Buffer.alloc(size, 7);
    for (let i = 0; i < size; i += 4096) body[i] = i % 251;
    backend.routes.set(`${GV}/large`, (_req, res) => {
      res.writeHead(200, { 'content-length': String(size) });
      res.end(body);
    });
    const r = await get(port, '/large', (res) => {
      // Reads in bursts, so that the proxy's writes back up.
      res.pause();
      const timer = setInterval(() => {
        res.resume();
        setTimeout(() => res.pause(), 1);
      }, 5);
      res.on('end', () => clearInterval(timer));
      res.on('close', () => clearInterval(timer));
    });
    assert.equal(r.cut, false);
    assert.equal(r.body.length, size);
    assert.ok(r.body.equals(body));
  });

  it('cuts the client off when the backend connection breaks mid-answer', async () => {
    backend.routes.set(`${GV}/partial`, (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const r = await get(port, '/partial');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'partial');
    assert.equal(r.cut, true);
  });

  it('closes the backend connection when the client leaves mid-stream', async () => {
    let backendClosed!: Promise<unknown>;
    backend.routes.set(`${GV}/stream`, (req, res) => {
      backendClosed = once(req.socket, 'close');
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write('{"type":"ADDED"}\n'), 5);
      res.on('close', () => clearInterval(timer));
    });
    const r = await get(port, '/stream', (res) => res.once('data', () => res.destroy()));
    assert.equal(r.cut, true);
    await backendClosed;
  });
});
