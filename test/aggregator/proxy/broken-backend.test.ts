import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAPIServiceProxy, type APIServiceProxy } from '../../../src/aggregator/proxy/proxy-handler.js';
import type { ResolvedEndpoint } from '../../../src/aggregator/proxy/resolve.js';
import { createRequestInfoResolver } from '../../../src/endpoints/request/request-info.js';
import { discardLogger } from '../../../src/observability/logger.js';
import { withRequestInfo } from '../../../src/server/filters/request-info.js';
import { withRequestTimeout } from '../../../src/server/filters/timeout.js';
import { Backend, base64, call, closedPort, makePKI, proxyFrontend, SERVICE, stop, type TestPKI } from './helpers.js';

const GV = '/apis/example.com/v1';
const REQUESTS = 300;
const CONCURRENCY = 20;

/** What keeps this process busy, by kind (sockets, timers, servers). */
const resources = (): Map<string, number> => {
  const out = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) out.set(kind, (out.get(kind) ?? 0) + 1);
  return out;
};
const describeResources = (m: Map<string, number>) => JSON.stringify(Object.fromEntries([...m].sort()));

/**
 * Waits, asking every 50 ms at most 200 times, until no kind of resource is
 * above its count in `baseline`: whatever a request held is let go once it
 * is answered (a bound on tries, not a timing assertion).
 */
async function settlesTo(baseline: Map<string, number>): Promise<void> {
  let now = resources();
  for (let i = 0; i < 200; i++) {
    if ([...now].every(([kind, n]) => n <= (baseline.get(kind) ?? 0))) return;
    await new Promise((r) => setTimeout(r, 50));
    now = resources();
  }
  assert.fail(`resources still held after every request was answered: ${describeResources(now)}, before: ${describeResources(baseline)}`);
}

async function many(port: number, path: string): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next++;
      const r = await call(port, path);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

/**
 * Issue 12's "no leak while a backend stays broken": many requests to an
 * APIService whose backend refuses connections, accepts them and never
 * shakes hands, or shakes hands and never answers. Each gets its 503 (or the
 * request timeout's 504), and afterwards the process holds no more sockets
 * and timers than before: nothing per request survives it.
 */
describe('APIService proxy: a backend broken for a long time leaks nothing', () => {
  let pki: TestPKI;
  let backend: Backend;
  let silent: net.Server;
  const silentSockets = new Set<net.Socket>();
  let refusing: number;
  let target: ResolvedEndpoint;
  let proxy: APIServiceProxy;
  let server: http.Server;
  let port: number;

  before(async () => {
    pki = makePKI();
    backend = await Backend.start(pki);
    // A route that never answers: the request timeout ends it.
    backend.routes.set(`${GV}/namespaces/default/things`, () => undefined);
    // Accepts connections and never says a word: the dial deadline (TCP and TLS) ends them.
    silent = net.createServer((s) => {
      silentSockets.add(s);
      s.on('close', () => silentSockets.delete(s));
      s.on('error', () => undefined);
      // Reads (and drops) what arrives, so that it sees the proxy hang up.
      s.resume();
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    refusing = await closedPort();
    target = backend.endpoint;
    proxy = createAPIServiceProxy({
      name: 'v1.example.com',
      service: { ...SERVICE, port: 443 },
      caBundle: base64(pki.servingCA.certPem),
      resolve: () => [target],
      dialTimeoutMs: 100,
      logger: discardLogger,
    });
    ({ server, port } = await proxyFrontend(proxy, GV, [withRequestInfo(createRequestInfoResolver()), withRequestTimeout({ requestTimeoutMs: 100 })]));
  });
  after(async () => {
    proxy.close();
    await stop(server);
    await backend.stop();
    for (const s of silentSockets) s.destroy();
    silent.close();
  });

  it('refusing connections: 503 every time, nothing held', async () => {
    target = { host: '127.0.0.1', port: refusing, url: `https://127.0.0.1:${refusing}` };
    const baseline = resources();
    const statuses = await many(port, `${GV}/namespaces/default/things`);
    assert.deepEqual([...statuses], [[503, REQUESTS]]);
    await settlesTo(baseline);
  });

  it('accepting connections and never finishing TLS: 503 every time, each connection closed', async () => {
    const at = (silent.address() as AddressInfo).port;
    target = { host: '127.0.0.1', port: at, url: `https://127.0.0.1:${at}` };
    const baseline = resources();
    const statuses = await many(port, `${GV}/namespaces/default/things`);
    // The dial deadline (100 ms here) or the request timeout (100 ms) answers first: either way not the backend.
    assert.deepEqual([...statuses.keys()].filter((s) => s !== 503 && s !== 504), []);
    await settlesTo(baseline);
    assert.equal(silentSockets.size, 0, 'the proxy closed every connection it opened to the silent backend');
  });

  it('answering TLS and never the request: the request timeout every time, each backend request abandoned', async () => {
    target = backend.endpoint;
    const baseline = resources();
    const statuses = await many(port, `${GV}/namespaces/default/things`);
    assert.deepEqual([...statuses], [[504, REQUESTS]]);
    // A request abandoned in flight closes its connection; one abandoned while its connection was still being
    // dialled leaves that connection idle in the pool (as Go's transport does), where later requests take it up.
    // So the connections left depend on the concurrency, not on the number of requests: a second batch as large
    // as the first leaves no more than the bound. The backend sees a cut connection close a little later: ask
    // until it has (a bound on tries).
    const open = () => new Promise<number>((resolve, reject) => backend.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    const settled = async () => {
      let n = await open();
      for (let i = 0; i < 200 && n > 2 * CONCURRENCY; i++) {
        await new Promise((r) => setTimeout(r, 50));
        n = await open();
      }
      return n;
    };
    const first = await settled();
    assert.ok(first <= 2 * CONCURRENCY, `idle connections bounded by the concurrency (${CONCURRENCY}), not by the ${REQUESTS} requests: ${first}`);
    assert.deepEqual([...(await many(port, `${GV}/namespaces/default/things`))], [[504, REQUESTS]]);
    const second = await settled();
    assert.ok(second <= 2 * CONCURRENCY, `after ${2 * REQUESTS} requests still bounded by the concurrency: ${second}`);
    proxy.close();
    await settlesTo(baseline);
    assert.equal(await open(), 0, 'closing the proxy closes its idle connections');
  });
});
