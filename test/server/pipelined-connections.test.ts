import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createSecureServer, listen } from '../../src/server/secure-serving.js';
import { newCA, newServingCert } from '../dynamiccertificates/helpers.js';
import { parseResponses, rawExchange } from '../helpers/raw-http.js';

/** A bound on a whole exchange, far beyond any answer: a hang fails the test instead of stalling it. */
const BOUND_MS = 20_000;
/** An answer larger than what the socket writes at once, so that part of it is still buffered in the server. */
const BIG = 'x'.repeat(4 * 1024 * 1024);

/** Lets every tick and immediate queued so far run (Node emits 'close' on the next tick of a finish). */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * createSecureServer's guard of pipelined connections, over real TLS with raw
 * bytes: 'close' on every response exactly once (a response queued behind
 * another closes with its connection), and a malformed request answered
 * after the responses before it, on a connection then ended rather than reset.
 */
describe('pipelined requests on a secure server', () => {
  let server: Server;
  let port: number;
  let ca: string;
  /** Per request (its X-Id header): its response, and how often it emitted 'close'. */
  const seen = new Map<string, { res: ServerResponse; closes: number }>();
  /** Responses the /hold route keeps open until the test ends them. */
  const held = new Map<string, ServerResponse>();
  const arrivals: { n: number; wake?: () => void } = { n: 0 };

  /** Resolves once `n` requests in all reached the app. */
  const arrived = (n: number) =>
    arrivals.n >= n ? Promise.resolve() : new Promise<void>((resolve) => (arrivals.wake = () => arrivals.n >= n && resolve()));

  before(async () => {
    const authority = newCA('pipelining-ca');
    const pair = newServingCert(authority, 'localhost');
    ca = authority.certPem;
    const app = express();
    app.use((req, res, next) => {
      const id = req.get('X-Id') ?? '';
      const entry = { res, closes: 0 };
      seen.set(id, entry);
      res.on('close', () => entry.closes++);
      arrivals.n++;
      arrivals.wake?.();
      next();
    });
    app.get('/hold', (req, res) => void held.set(req.get('X-Id') ?? '', res));
    app.all('/answer', (req, res) => {
      req.resume();
      req.on('end', () => res.type('text/plain').send(`answer ${req.get('X-Id') ?? ''}`));
    });
    app.get('/big', (_req, res) => res.type('text/plain').send(BIG));
    server = createSecureServer(app, { certPem: pair.certPem, keyPem: pair.keyPem, clientCAPem: authority.certPem });
    port = (await listen(server, '127.0.0.1', 0)).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A raw TLS connection, and the closing of the server's side of it. */
  async function connect(): Promise<{ client: tls.TLSSocket; serverClosed: Promise<void> }> {
    // Not events.once on 'close': it would reject on the 'error' of a socket destroyed with one.
    const serverClosed = once(server, 'secureConnection').then(([s]: tls.TLSSocket[]) =>
      s!.closed ? undefined : new Promise<void>((resolve) => s!.once('close', () => resolve())),
    );
    const client = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    client.on('error', () => undefined);
    await once(client, 'secureConnect');
    return { client, serverClosed };
  }

  /** Everything the server writes on `client` until the connection closed, and whether it ended cleanly or was reset. */
  function readAll(client: tls.TLSSocket): { chunks: Buffer[]; closed: Promise<{ ended: boolean; error?: string }> } {
    const chunks: Buffer[] = [];
    let ended = false;
    let error: string | undefined;
    client.on('data', (c: Buffer) => chunks.push(c));
    client.on('end', () => (ended = true));
    client.on('error', (err: NodeJS.ErrnoException) => (error ??= err.code ?? err.message));
    const closed = once(client, 'close').then(() => ({ ended, ...(error ? { error } : {}) }));
    return { chunks, closed };
  }

  const get = (path: string, id: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Id: ${id}\r\n${extra}\r\n`;
  const closesOf = (id: string) => seen.get(id)?.closes;

  it('closes a response queued behind a pipelined one, once, when the client closes the connection', async () => {
    const { client, serverClosed } = await connect();
    const start = arrivals.n;
    // The first holds the connection's turn; the second and third wait behind it (Node hands them to the app at once).
    client.write(get('/hold', 'q-first') + get('/answer', 'q-second') + get('/hold', 'q-third'));
    await arrived(start + 3);
    assert.equal(seen.get('q-second')!.res.socket, null, 'the second response is queued, not attached to the socket');
    client.destroy();
    await serverClosed;
    await settle();
    assert.deepEqual(['q-first', 'q-second', 'q-third'].map(closesOf), [1, 1, 1]);
    assert.equal(seen.get('q-second')!.res.destroyed, true);

    // Answering them after the connection is gone (a late 'finish' moves the next response onto the dead socket) closes nothing twice.
    held.get('q-first')!.end();
    held.get('q-third')!.end('late');
    await settle();
    assert.deepEqual(['q-first', 'q-second', 'q-third'].map(closesOf), [1, 1, 1]);
  });

  it('closes every response of a kept-alive connection once, when it finished, and not again when the connection closes', async () => {
    const { client, serverClosed } = await connect();
    const ids = ['k-1', 'k-2', 'k-3'];
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    client.write(ids.map((id) => get('/answer', id)).join(''));
    while (parseResponses(Buffer.concat(chunks)).responses.length < ids.length) await once(client, 'data');
    const bodies = parseResponses(Buffer.concat(chunks)).responses.map((r) => r.body.toString('latin1'));
    assert.deepEqual(bodies, ids.map((id) => `answer ${id}`));
    await settle();
    assert.deepEqual(ids.map(closesOf), [1, 1, 1]);
    client.end();
    await serverClosed;
    await settle();
    assert.deepEqual(ids.map(closesOf), [1, 1, 1]);
  });

  it('answers a malformed request after the requests pipelined before it, then ends the connection', async () => {
    const ex = await rawExchange(port, { ca }, Buffer.from(get('/answer', 'm-1') + get('/answer', 'm-2') + 'NOT HTTP AT ALL\r\n\r\n', 'latin1'), BOUND_MS);
    assert.equal(ex.timedOut, false);
    assert.equal(ex.error, undefined, 'the connection was ended, not reset');
    const parsed = parseResponses(ex.data);
    assert.equal(parsed.stop, 'end', ex.data.toString('latin1'));
    assert.deepEqual(parsed.responses.map((r) => [r.status, r.body.toString('latin1')]), [[200, 'answer m-1'], [200, 'answer m-2'], [400, '']]);
    assert.deepEqual(parsed.responses[2]!.headers, [['Connection', 'close'], ['Content-Length', '0']]);
    await settle();
    assert.deepEqual(['m-1', 'm-2'].map(closesOf), [1, 1]);
  });

  it('answers a malformed request after a response still in flight, once that one finished', async () => {
    const { client, serverClosed } = await connect();
    const start = arrivals.n;
    const { chunks, closed } = readAll(client);
    client.write(get('/hold', 'f-1') + 'GET / HTTP/1.1\r\nBad Header\r\n\r\n');
    await arrived(start + 1);
    held.get('f-1')!.end('held answer');
    assert.deepEqual(await closed, { ended: true }, 'the connection was ended, not reset');
    const parsed = parseResponses(Buffer.concat(chunks));
    assert.equal(parsed.stop, 'end');
    assert.deepEqual(parsed.responses.map((r) => [r.status, r.body.toString('latin1')]), [[200, 'held answer'], [400, '']]);
    await serverClosed;
    await settle();
    assert.equal(closesOf('f-1'), 1);
  });

  it('answers headers over the limit with 431 after an earlier answer, which is written out whole first', async () => {
    const { client, serverClosed } = await connect();
    const start = arrivals.n;
    // Not read yet: most of the big answer waits in the server's buffers, its response not finished.
    client.write(get('/big', 'h-1'));
    await arrived(start + 1);
    assert.equal(seen.get('h-1')!.res.writableEnded, true, 'answered by the app');
    // Node's limit is 16 KiB of headers.
    client.write(get('/answer', 'h-2', `X-Big: ${'x'.repeat(32 * 1024)}\r\n`));
    const { chunks, closed } = readAll(client);
    assert.deepEqual(await closed, { ended: true }, 'the connection was ended, not reset');
    const parsed = parseResponses(Buffer.concat(chunks));
    assert.equal(parsed.stop, 'end');
    assert.deepEqual(parsed.responses.map((r) => [r.status, r.body.length]), [[200, BIG.length], [431, 0]]);
    assert.equal(seen.has('h-2'), false);
    await serverClosed;
  });

  it('destroys the connection when the request before the malformed bytes never got its whole body, closing its response once', async () => {
    const { client, serverClosed } = await connect();
    const start = arrivals.n;
    // A chunk size that is not hex: the error is in the first request's own body, which will never end.
    client.write('POST /answer HTTP/1.1\r\nHost: localhost\r\nX-Id: b-1\r\nTransfer-Encoding: chunked\r\n\r\n');
    await arrived(start + 1);
    client.write('zz\r\nnot a chunk\r\n');
    await serverClosed;
    await settle();
    assert.equal(closesOf('b-1'), 1);
    client.destroy();
  });
});
