import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express, { type RequestHandler } from 'express';
import { createAPIServiceProxy, type APIServiceProxy, type APIServiceProxyOptions } from '../../../src/aggregator/proxy/proxy-handler.js';
import { ServiceResolutionError, type ResolvedEndpoint } from '../../../src/aggregator/proxy/resolve.js';
import type { UserInfo } from '../../../src/auth/user.js';
import { DynamicCertKeyPairContent } from '../../../src/dynamiccertificates/dynamic-certkey-content.js';
import { StaticCertKeyContent } from '../../../src/dynamiccertificates/static-content.js';
import { setUser, withAuditIDValue } from '../../../src/endpoints/request/context.js';
import { createRequestInfoResolver } from '../../../src/endpoints/request/request-info.js';
import { discardLogger } from '../../../src/observability/logger.js';
import { withRequestInfo } from '../../../src/server/filters/request-info.js';
import { withRequestTimeout } from '../../../src/server/filters/timeout.js';
import { makeTempDir, type TempDir } from '../../helpers/tmp.js';
import { Backend, base64, call, closed, closedPort, headerLines, listen, makePKI, SERVICE, stop, type TestPKI } from './helpers.js';

const GV = '/apis/example.com/v1';
const APISERVICE = 'v1.example.com';

const alice: UserInfo = {
  name: 'alice',
  uid: 'uid-1',
  groups: ['system:authenticated', 'devs', 'ops'],
  extra: { 'scopes.example.com/Role%': ['a', 'b'], reason: ['on call'] },
};

interface Front {
  port: number;
  server: http.Server;
  proxy: APIServiceProxy;
}

/** An express app: optional filters, the user set as authentication would, the proxy mounted at the group-version. */
async function front(opts: Partial<APIServiceProxyOptions> & { endpoints: () => ResolvedEndpoint[] }, filters: RequestHandler[] = [], user: UserInfo | null = alice): Promise<Front> {
  const proxy = createAPIServiceProxy({
    name: APISERVICE,
    service: { ...SERVICE, port: 443 },
    resolve: () => opts.endpoints(),
    logger: discardLogger,
    ...opts,
  });
  const app = express();
  for (const f of filters) app.use(f);
  app.use((req, _res, next) => {
    if (user) setUser(req, user);
    withAuditIDValue(req, 'audit-123');
    next();
  });
  app.use(GV, proxy);
  const server = http.createServer(app);
  return { port: await listen(server), server, proxy };
}

describe('APIService proxy: HTTP', () => {
  let pki: TestPKI;
  let backend: Backend;
  let f: Front;
  before(async () => {
    pki = makePKI();
    backend = await Backend.start(pki);
    f = await front({
      caBundle: base64(pki.servingCA.certPem),
      proxyClientCert: new StaticCertKeyContent('proxy-client', pki.proxyClient.certPem, pki.proxyClient.keyPem),
      endpoints: () => [backend.endpoint],
      requestHeaders: { usernameHeaders: ['X-Custom-User'], groupHeaders: ['X-Custom-Group'], extraHeaderPrefixes: ['X-Custom-Extra-'] },
    });
  });
  after(async () => {
    f.proxy.close();
    await stop(f.server);
    await backend.stop();
  });

  it('forwards the method, the path and the query unchanged, and the body', async () => {
    const path = `${GV}/namespaces/default/things/a%2Fb?b=2&a=1&a=0&x=%2F%20y`;
    const seen = backend.nextSeen();
    const r = await call(f.port, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind":"Thing"}' });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { ok: true });
    const s = await seen;
    assert.equal(s.method, 'POST');
    assert.equal(s.url, path);
    assert.equal(s.body, '{"kind":"Thing"}');
    assert.equal(s.headers.host, `127.0.0.1:${backend.port}`);
  });

  it('sends the user as X-Remote-*, never what the client claimed, and no credentials', async () => {
    const seen = backend.nextSeen();
    const r = await call(f.port, `${GV}/things`, {
      headers: {
        Authorization: 'Bearer secret',
        'Impersonate-User': 'root',
        'Impersonate-Group': 'system:masters',
        'Impersonate-Extra-scopes': 'all',
        'Impersonate-Uid': 'x',
        'X-Remote-User': 'mallory',
        'x-remote-group': 'system:masters',
        'X-REMOTE-EXTRA-reason': 'spoofed',
        'X-Remote-Uid': 'spoofed-uid',
        'X-Custom-User': 'mallory',
        'X-Custom-Group': 'system:masters',
        'X-Custom-Extra-foo': 'bar',
        'X-Forwarded-For': '10.9.9.9',
        Host: 'frontdoor.example:6443',
      },
    });
    assert.equal(r.status, 200);
    const s = await seen;
    for (const name of Object.keys(s.headers)) {
      assert.ok(!name.startsWith('impersonate-'), `${name} reached the backend`);
      assert.ok(!name.startsWith('x-custom-'), `${name} reached the backend`);
    }
    assert.equal(s.headers.authorization, undefined);
    assert.deepEqual(headerLines(s, 'X-Remote-User'), ['alice']);
    assert.deepEqual(headerLines(s, 'X-Remote-Uid'), ['uid-1']);
    assert.deepEqual(headerLines(s, 'X-Remote-Group'), ['system:authenticated', 'devs', 'ops'], 'one header line per group');
    // client-go's headerKeyEscape: '/' and '%' are not token bytes.
    assert.deepEqual(headerLines(s, 'X-Remote-Extra-scopes.example.com%2FRole%25'), ['a', 'b']);
    assert.deepEqual(headerLines(s, 'X-Remote-Extra-reason'), ['on call']);
    const extras = Object.keys(s.headers).filter((n) => n.startsWith('x-remote-extra-'));
    assert.deepEqual(extras.sort(), ['x-remote-extra-reason', 'x-remote-extra-scopes.example.com%2frole%25']);
    assert.equal(s.headers['x-forwarded-for'], '10.9.9.9, 127.0.0.1');
    assert.equal(s.headers['x-forwarded-proto'], 'http');
    assert.equal(s.headers['x-forwarded-host'], 'frontdoor.example:6443');
    assert.equal(s.headers['audit-id'], 'audit-123');
  });

  it('presents the proxy client certificate to the backend', async () => {
    const seen = backend.nextSeen();
    await call(f.port, `${GV}/things`);
    const s = await seen;
    assert.equal(s.peerCN, 'front-proxy-client');
    assert.equal(s.peerSerial, pki.proxyClient.serial);
  });

  it('answers a backend redirect with 502, never following it', async () => {
    let followed = false;
    backend.routes.set('/elsewhere', (_req, res) => {
      followed = true;
      res.end();
    });
    backend.routes.set(`${GV}/redirect`, (_req, res) => {
      res.writeHead(302, { Location: `https://127.0.0.1:${backend.port}/elsewhere`, 'Content-Length': '0' });
      res.end();
    });
    const r = await call(f.port, `${GV}/redirect`);
    assert.equal(r.status, 502);
    const status = JSON.parse(r.body) as Record<string, unknown>;
    assert.equal(status.kind, 'Status');
    assert.equal(status.code, 502);
    assert.equal(status.message, 'the backend attempted to redirect this request, which is not permitted');
    assert.equal(r.headers.location, undefined);
    assert.equal(followed, false);
  });

  it('passes a response without Location through, whatever its code', async () => {
    backend.routes.set(`${GV}/notmodified`, (_req, res) => {
      res.writeHead(304, { ETag: '"v1"' });
      res.end();
    });
    const r = await call(f.port, `${GV}/notmodified`);
    assert.equal(r.status, 304);
    assert.equal(r.headers.etag, '"v1"');
  });

  it('relays repeated response headers as repeated lines', async () => {
    backend.routes.set(`${GV}/warnings`, (_req, res) => {
      res.setHeader('Warning', ['299 - "first"', '299 - "second"']);
      res.setHeader('Content-Length', '2');
      res.end('{}');
    });
    const r = await call(f.port, `${GV}/warnings`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.warning, '299 - "first", 299 - "second"');
    assert.equal(r.headers['content-length'], '2');
  });

  it('streams a chunked response chunk by chunk', async () => {
    let writeNext: (chunk: string | null) => void = () => undefined;
    backend.routes.set(`${GV}/watch-ish`, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      writeNext = (chunk) => (chunk === null ? res.end() : res.write(chunk));
    });
    const chunks: string[] = [];
    const ended = new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: f.port, path: `${GV}/watch-ish`, agent: false }, (res) => {
          assert.equal(res.headers['transfer-encoding'], 'chunked');
          res.setEncoding('utf8');
          let wanted = 0;
          const sends = ['{"type":"ADDED"}\n', '{"type":"MODIFIED"}\n', '{"type":"DELETED"}\n'];
          writeNext(sends[wanted++]!);
          res.on('data', (c: string) => {
            chunks.push(c);
            // The next chunk is written only once this one arrived: nothing was held back to be sent together.
            writeNext(wanted < sends.length ? sends[wanted++]! : null);
          });
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    assert.equal(await ended, 200);
    assert.deepEqual(chunks, ['{"type":"ADDED"}\n', '{"type":"MODIFIED"}\n', '{"type":"DELETED"}\n']);
  });

  it('forwards a chunked DELETE body whole and framed, so it cannot read as a second request', async () => {
    const smuggled = `GET ${GV}/smuggled HTTP/1.1\r\nHost: x\r\nX-Remote-User: admin\r\n\r\n`;
    const seen = backend.nextSeen();
    const r = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: f.port, path: `${GV}/things/a`, method: 'DELETE', agent: false, headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(smuggled.slice(0, 10));
      req.end(smuggled.slice(10));
    });
    assert.equal(r, 200);
    const s = await seen;
    assert.equal(s.method, 'DELETE');
    assert.equal(s.body, smuggled);
    assert.equal(s.headers['content-length'], String(Buffer.byteLength(smuggled)));
    // Anything pipelined after the DELETE on the pooled connection would have been handled before this one.
    await call(f.port, `${GV}/after`);
    assert.ok(!backend.seen.some((x) => x.url.includes('smuggled')), 'the body was read as a request');
  });
});

describe('APIService proxy: failures', () => {
  let pki: TestPKI;
  let backend: Backend;
  const fronts: Front[] = [];
  before(async () => {
    pki = makePKI();
    backend = await Backend.start(pki);
  });
  after(async () => {
    for (const f of fronts) {
      f.proxy.close();
      await stop(f.server);
    }
    await backend.stop();
  });
  const start = async (opts: Partial<APIServiceProxyOptions> & { endpoints: () => ResolvedEndpoint[] }, user: UserInfo | null = alice) => {
    const f = await front({ caBundle: base64(pki.servingCA.certPem), ...opts }, [], user);
    fronts.push(f);
    return f;
  };
  const statusOf = (body: string) => JSON.parse(body) as { kind: string; code: number; reason?: string; message: string };

  it('answers 503 naming the APIService when the backend is down', async () => {
    const port = await closedPort();
    const f = await start({ endpoints: () => [{ host: '127.0.0.1', port, url: `https://127.0.0.1:${port}` }] });
    const r = await call(f.port, `${GV}/things`);
    assert.equal(r.status, 503);
    const s = statusOf(r.body);
    assert.equal(s.kind, 'Status');
    assert.equal(s.reason, 'ServiceUnavailable');
    assert.match(s.message, /^service unavailable: APIService "v1\.example\.com": error trying to reach service: .*ECONNREFUSED/);
  });

  it('answers 503 when the backend\'s certificate is not signed by the caBundle', async () => {
    const f = await start({ caBundle: base64(pki.otherCA.certPem), endpoints: () => [backend.endpoint] });
    const r = await call(f.port, `${GV}/things`);
    assert.equal(r.status, 503);
    assert.match(statusOf(r.body).message, /^service unavailable: APIService "v1\.example\.com": error trying to reach service: /);
  });

  it('checks the backend\'s name as <service>.<namespace>.svc', async () => {
    const f = await start({ service: { namespace: 'other', name: 'api', port: 443 }, endpoints: () => [backend.endpoint] });
    const r = await call(f.port, `${GV}/things`);
    assert.equal(r.status, 503);
    assert.match(statusOf(r.body).message, /api\.other\.svc/);
  });

  it('reaches a backend it cannot verify with insecureSkipTLSVerify', async () => {
    const f = await start({ caBundle: undefined, insecureSkipTLSVerify: true, endpoints: () => [backend.endpoint] });
    assert.equal((await call(f.port, `${GV}/things`)).status, 200);
  });

  it('answers 503 with the resolver\'s words when the service has no endpoints', async () => {
    const f = await start({
      endpoints: () => {
        throw new ServiceResolutionError('MissingEndpoints', 'endpoints for service/api in "ns1" have no addresses with port name "https"');
      },
    });
    const r = await call(f.port, `${GV}/things`);
    assert.equal(r.status, 503);
    assert.equal(statusOf(r.body).message, 'service unavailable: APIService "v1.example.com": endpoints for service/api in "ns1" have no addresses with port name "https"');
  });

  it('answers 503 while the APIService is not available', async () => {
    let available = false;
    const f = await start({ isAvailable: () => available, endpoints: () => [backend.endpoint] });
    assert.equal((await call(f.port, `${GV}/things`)).status, 503);
    available = true;
    assert.equal((await call(f.port, `${GV}/things`)).status, 200);
  });

  it('answers 500 with the reason when the caBundle is not PEM, and says so', async () => {
    const f = await start({ caBundle: base64('not a certificate'), endpoints: () => [backend.endpoint] });
    assert.match(f.proxy.transportError?.message ?? '', /unable to load root certificates/);
    const r = await call(f.port, `${GV}/things`);
    assert.equal(r.status, 500);
    assert.match(statusOf(r.body).message, /APIService "v1\.example\.com": unable to load root certificates/);
  });

  it('answers 500 when no user was set', async () => {
    const f = await start({ endpoints: () => [backend.endpoint] }, null);
    const r = await call(f.port, `${GV}/things`);
    assert.equal(r.status, 500);
    assert.match(statusOf(r.body).message, /missing user/);
  });

  it('answers 503 when a discovery request outlives its deadline', async () => {
    backend.routes.set(GV, () => undefined); // never answers
    const hungClosed = backend.nextSeen().then((s) => closed(s.socket));
    const f = await front(
      { caBundle: base64(pki.servingCA.certPem), endpoints: () => [backend.endpoint], discoveryTimeoutMs: 50 },
      [withRequestInfo(createRequestInfoResolver())],
    );
    fronts.push(f);
    const r = await call(f.port, GV);
    assert.equal(r.status, 503);
    assert.match(statusOf(r.body).message, /^service unavailable: APIService "v1\.example\.com": error trying to reach service: context deadline exceeded/);
    await hungClosed;
  });

  it('answers 503 when the user cannot be put in a header', async () => {
    const f = await start({ endpoints: () => [backend.endpoint] }, { name: 'bad\r\nX-Remote-Group: system:masters', groups: [] });
    const r = await call(f.port, `${GV}/things`);
    assert.equal(r.status, 503);
    assert.match(statusOf(r.body).message, /error trying to reach service: invalid x-remote-user header/);
  });

  it('answers 503 once closed', async () => {
    const f = await start({ endpoints: () => [backend.endpoint] });
    f.proxy.close();
    assert.equal((await call(f.port, `${GV}/things`)).status, 503);
  });
});

describe('APIService proxy: the request timeout', () => {
  let pki: TestPKI;
  let backend: Backend;
  let f: Front;
  before(async () => {
    pki = makePKI();
    backend = await Backend.start(pki);
    f = await front({ caBundle: base64(pki.servingCA.certPem), endpoints: () => [backend.endpoint] }, [
      withRequestInfo(createRequestInfoResolver()),
      withRequestTimeout({ requestTimeoutMs: 2000 }),
    ]);
  });
  after(async () => {
    f.proxy.close();
    await stop(f.server);
    await backend.stop();
  });

  it('lets a streamed answer outlive --request-timeout, and times out one that never starts', async () => {
    let finish: () => void = () => undefined;
    backend.routes.set(`${GV}/namespaces/default/things`, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('first,');
      finish = () => res.end('last');
    });
    const hungClosed = new Promise<void>((resolve) => {
      backend.routes.set(`${GV}/namespaces/default/hung`, (req) => req.socket.once('close', () => resolve()));
    });

    let firstChunk: () => void = () => undefined;
    const gotFirst = new Promise<void>((resolve) => (firstChunk = resolve));
    const streamed = new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: f.port, path: `${GV}/namespaces/default/things`, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
            firstChunk();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
          res.on('aborted', () => reject(new Error('the streamed answer was cut')));
        })
        .on('error', reject);
    });
    await gotFirst;
    // A request started after the stream's, with the same timeout: once it has timed out, so would the stream have.
    const hung = await call(f.port, `${GV}/namespaces/default/hung`);
    assert.equal(hung.status, 504);
    await hungClosed; // the backend request of the timed-out one was abandoned
    finish();
    assert.deepEqual(await streamed, { status: 200, body: 'first,last' });
  });
});

describe('APIService proxy: client certificate rotation', () => {
  let pki: TestPKI;
  let backend: Backend;
  let tmp: TempDir;
  let f: Front;
  let content: DynamicCertKeyPairContent;
  before(async () => {
    pki = makePKI();
    backend = await Backend.start(pki);
    tmp = await makeTempDir('proxy-client-cert-');
    await writeFile(join(tmp.path, 'proxy.crt'), pki.proxyClient.certPem);
    await writeFile(join(tmp.path, 'proxy.key'), pki.proxyClient.keyPem);
    content = new DynamicCertKeyPairContent('aggregator-proxy-cert', join(tmp.path, 'proxy.crt'), join(tmp.path, 'proxy.key'), { logger: discardLogger });
    await content.runOnce();
    f = await front({ caBundle: base64(pki.servingCA.certPem), proxyClientCert: content, endpoints: () => [backend.endpoint] });
  });
  after(async () => {
    f.proxy.close();
    await stop(f.server);
    await backend.stop();
    await tmp.remove();
  });

  it('presents the new certificate on new connections once the provider says it changed', async () => {
    let seen = backend.nextSeen();
    await call(f.port, `${GV}/things`);
    assert.equal((await seen).peerSerial, pki.proxyClient.serial);
    // Kept alive: the next request goes over the same connection, with the same certificate.
    seen = backend.nextSeen();
    await call(f.port, `${GV}/things`);
    const before = await seen;
    assert.equal(before.peerSerial, pki.proxyClient.serial);

    await writeFile(join(tmp.path, 'proxy.crt'), pki.proxyClient2.certPem);
    await writeFile(join(tmp.path, 'proxy.key'), pki.proxyClient2.keyPem);
    await content.runOnce(); // reads, accepts and notifies, as its controller would on the file event
    seen = backend.nextSeen();
    await call(f.port, `${GV}/things`);
    const s = await seen;
    assert.equal(s.peerSerial, pki.proxyClient2.serial);
    assert.equal(s.peerCN, 'front-proxy-client-2');
    assert.notEqual(s.socket, before.socket);
    // The old pool lets its idle connection go rather than keep it until the idle timeout.
    await closed(before.socket);
  });
});
