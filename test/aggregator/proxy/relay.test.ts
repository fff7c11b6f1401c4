import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { relay } from '../../../src/aggregator/proxy/relay.js';

/**
 * A backend and a frontend that relays every answer of the backend; the
 * frontend records how each relay ended, and the backend whether its
 * connection was cut.
 */
async function pair(backend: http.RequestListener) {
  const back = http.createServer(backend);
  back.listen(0, '127.0.0.1');
  await once(back, 'listening');
  const agent = new http.Agent({ keepAlive: true });
  const ended: Promise<Error | undefined>[] = [];
  const front = http.createServer((req, res) => {
    ended.push(
      new Promise((resolve) => {
        const out = http.get({ host: '127.0.0.1', port: (back.address() as AddressInfo).port, path: req.url, agent }, (from) => {
          res.writeHead(from.statusCode ?? 502, from.headers);
          relay(from, res, resolve);
        });
        out.on('error', () => undefined);
      }),
    );
  });
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
  return {
    port: (front.address() as AddressInfo).port,
    ended,
    close() {
      agent.destroy();
      front.closeAllConnections();
      back.closeAllConnections();
      front.close();
      back.close();
    },
  };
}

/** GET on the frontend: the status, the bytes that came, and whether the answer was cut. */
function get(port: number, path: string, read?: (res: http.IncomingMessage) => void): Promise<{ status: number; body: Buffer; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
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

describe('relay: the backend answer to the client', () => {
  const closers: (() => void)[] = [];
  after(() => closers.forEach((c) => c()));

  it('passes the body whole and ends the response with it', async () => {
    const p = await pair((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one,');
      setTimeout(() => res.end('two'), 10);
    });
    closers.push(p.close);
    const r = await get(p.port, '/');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'one,two');
    assert.equal(r.cut, false);
    assert.equal(await p.ended[0], undefined);
  });

  it('keeps to the slower side: a large body reaches a slow reader intact', async () => {
    const size = 16 * 1024 * 1024;
    const body = Buffer.alloc(size, 7);
    for (let i = 0; i < size; i += 4096) body[i] = i % 251;
    const p = await pair((_req, res) => {
      res.writeHead(200, { 'content-length': String(size) });
      res.end(body);
    });
    closers.push(p.close);
    const r = await get(p.port, '/', (res) => {
      // Reads in bursts, so that the frontend's writes back up.
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
    assert.equal(await p.ended[0], undefined);
  });

  it('cuts the client off when the backend connection breaks mid-answer', async () => {
    const p = await pair((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    closers.push(p.close);
    const r = await get(p.port, '/');
    assert.equal(r.body.toString(), 'partial');
    assert.equal(r.cut, true);
    assert.ok((await p.ended[0]) instanceof Error);
  });

  it('closes the backend connection when the client leaves mid-stream', async () => {
    let backendClosed!: Promise<unknown>;
    const p = await pair((req, res) => {
      backendClosed = once(req.socket, 'close');
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write('{"type":"ADDED"}\n'), 5);
      res.on('close', () => clearInterval(timer));
    });
    closers.push(p.close);
    await get(p.port, '/watch', (res) => res.once('data', () => res.destroy()));
    assert.ok((await p.ended[0]) instanceof Error);
    await backendClosed;
  });
});
