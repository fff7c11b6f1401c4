import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { base64, Backend, headerLines, makePKI, type TestPKI } from '../aggregator/proxy/helpers.js';
import { eventually, request } from '../helpers/https.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { kubectl } from '../helpers/kubectl.js';
import { startedClient, type Client, type Obj } from '../integration/api-helpers.js';

const GROUP = 'widgets.example.io';
const APISERVICES = '/apis/apiregistration.k8s.io/v1/apiservices';
const NAME = `v1.${GROUP}`;
const THINGS = `/apis/${GROUP}/v1/namespaces/default/things`;

type APIService = Obj & { spec: Record<string, unknown>; status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };
/** Controllers re-check every 30 s: wait up to 90 s, asking every half second. */
const SLOW = { tries: 180, intervalMs: 500 };
const available = (r: { status: number; json<T>(): T }) => (r.status === 200 ? r.json<APIService>().status?.conditions?.find((c) => c.type === 'Available') : undefined);

/** The backend's discovery document and a list, as a sample-apiserver answers them. */
function serveWidgets(backend: Backend): void {
  backend.routes.set(`/apis/${GROUP}/v1`, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${GROUP}/v1`,
      resources: [{ name: 'things', singularName: 'thing', namespaced: true, kind: 'Thing', verbs: ['get', 'list', 'watch'] }],
    }));
  });
  backend.routes.set(THINGS, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'ThingList', apiVersion: `${GROUP}/v1`, metadata: { resourceVersion: '1' }, items: [] }));
  });
}

/**
 * Issue 12 end to end with a backend written in the test: an APIService for
 * it becomes Available, its paths are proxied after authentication and
 * authorization with the user in X-Remote-* (the client's own X-Remote-*
 * never reaching it), a stopped backend turns the APIService unavailable (503
 * on its paths, the rest of discovery served, its group stale), a new one
 * makes it available again, a refused upgrade closes the connection, and
 * deleting the APIService takes its group out of discovery.
 */
describe('the aggregator proxies an APIService to its backend', () => {
  let fd: Frontdoor;
  let c: Client;
  let pki: TestPKI;
  let backend: Backend;

  const registerService = async (port: number) => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'ns1' }, spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ port }] } };
    const existing = await c.get('/api/v1/namespaces/ns1/services/api');
    if (existing.status === 404) assert.equal((await c.post('/api/v1/namespaces/ns1/services', svc)).status, 201);
    else assert.equal((await c.put('/api/v1/namespaces/ns1/services/api', { ...svc, metadata: existing.json<Obj>().metadata })).status, 200);
  };
  const apiService = (port: number, metadata: Record<string, unknown> = { name: NAME }) => ({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata,
    spec: { group: GROUP, version: 'v1', service: { namespace: 'ns1', name: 'api', port }, caBundle: base64(pki.servingCA.certPem), groupPriorityMinimum: 1000, versionPriority: 15 },
  });

  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    // The backend trusts the front-proxy CA of this server's generated PKI, as an aggregated server would.
    pki = makePKI();
    pki.proxyCA = { ...pki.proxyCA, certPem: readFileSync(join(fd.dataDir, 'pki', 'front-proxy-ca.crt'), 'utf8') };
    backend = await Backend.start(pki);
    serveWidgets(backend);
    assert.equal((await c.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } })).status, 201);
    await registerService(backend.port);
    assert.equal((await c.post(APISERVICES, apiService(backend.port))).status, 201);
  });
  after(async () => {
    await backend.stop().catch(() => undefined);
    await fd.stop();
  });

  it('becomes Available once its backend answers discovery', async () => {
    const r = await eventually(() => c.get(`${APISERVICES}/${NAME}`), (r) => available(r)?.status === 'True', SLOW);
    assert.deepEqual({ ...available(r)! }, { ...available(r)!, reason: 'Passed', message: 'all checks passed' });
    const table = await kubectl(fd.kubeconfig, ['get', 'apiservice', NAME]);
    assert.match(table.stdout, new RegExp(`${NAME.replace(/\./g, '\\.')}\\s+ns1/api\\s+True`));
  });

  it('proxies as the authenticated user, with the client\'s own identity headers removed', async () => {
    const seen = backend.nextSeen();
    const spoofed = await fetchThroughTLS(fd, c, 'GET', `${THINGS}?limit=5`, { 'X-Remote-User': 'evil', 'X-Remote-Group': 'evil-group', 'X-Remote-Extra-Scopes': 'all' });
    assert.equal(spoofed.status, 200, spoofed.body);
    await seen;
    const last = backend.seen.at(-1)!;
    assert.equal(last.url, `${THINGS}?limit=5`);
    assert.equal(last.peerCN, 'front-proxy-client', 'the proxy client certificate is presented');
    assert.deepEqual(headerLines(last, 'X-Remote-User'), ['admin']);
    assert.ok(headerLines(last, 'X-Remote-Group').includes('system:masters'));
    assert.equal(JSON.stringify(last.rawHeaders).includes('evil'), false, 'nothing the client claimed reaches the backend');
  });

  it('refuses an unprivileged user before the proxy', async () => {
    const before = backend.seen.length;
    const r = await fetchThroughTLS(fd, c, 'GET', THINGS, { 'Impersonate-User': 'nobody' });
    assert.equal(r.status, 403, r.body);
    assert.equal(backend.seen.length, before);
  });

  it('publishes the backend\'s resources in discovery', async () => {
    const r = await eventually(
      () => c.get('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'),
      (r) => JSON.stringify(r.json()).includes('"resource":"things"'),
      SLOW,
    );
    const group = r.json<{ items: { metadata: { name: string }; versions: { version: string; freshness?: string }[] }[] }>().items.find((g) => g.metadata.name === GROUP)!;
    assert.equal(group.versions[0]!.freshness ?? 'Current', 'Current');
    const listed = await kubectl(fd.kubeconfig, ['api-resources', '--api-group', GROUP]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /things\s+widgets\.example\.io\/v1\s+true\s+Thing/);
  });

  it('closes the connection of an upgrade its backend refuses', async () => {
    backend.onUpgrade = (_req, socket) => {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nno');
    };
    const { head, closed } = await rawUpgrade(fd, c, `${THINGS}/t1/exec`);
    assert.match(head, /^HTTP\/1\.1 403/);
    assert.equal(closed, true);
  });

  it('a stopped backend: Available=False, 503 on its paths, the rest of discovery served, its group stale', async () => {
    await backend.stop();
    const r = await eventually(() => c.get(`${APISERVICES}/${NAME}`), (r) => available(r)?.status === 'False', SLOW);
    assert.equal(available(r)!.reason, 'FailedDiscoveryCheck');
    const down = await c.get(THINGS);
    assert.equal(down.status, 503, down.body);
    assert.match(down.json<{ message: string }>().message, /service unavailable/);
    const resources = await kubectl(fd.kubeconfig, ['api-resources']);
    assert.match(resources.stdout, /configmaps/);
    await eventually(
      () => c.get('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'),
      (r) => r.json<{ items: { metadata: { name: string }; versions: { freshness?: string }[] }[] }>().items.find((g) => g.metadata.name === GROUP)?.versions[0]?.freshness === 'Stale',
      SLOW,
    );
  });

  it('a new backend makes it Available again', async () => {
    backend = await Backend.start(pki);
    serveWidgets(backend);
    await registerService(backend.port);
    const current = (await c.get(`${APISERVICES}/${NAME}`)).json<APIService>();
    assert.equal((await c.put(`${APISERVICES}/${NAME}`, { ...apiService(backend.port, current.metadata as Record<string, unknown>), status: current.status })).status, 200);
    await eventually(() => c.get(`${APISERVICES}/${NAME}`), (r) => available(r)?.status === 'True', SLOW);
    assert.equal((await c.get(THINGS)).status, 200);
  });

  it('deleting the APIService takes its group out of discovery', async () => {
    assert.equal((await c.del(`${APISERVICES}/${NAME}`)).status, 200);
    await eventually(() => c.get('/apis'), (r) => !r.body.includes(GROUP), SLOW);
    assert.equal((await c.get(THINGS)).status, 404);
  });
});

/** A request with extra headers (the client helper sends only its own). */
async function fetchThroughTLS(fd: Frontdoor, c: Client, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const r = await request(fd.port, path, c.creds, { method, headers: { Accept: 'application/json', ...headers } });
  return { status: r.status, body: r.body };
}

/** Sends an upgrade (SPDY, as kubectl exec does) and reads until the server closes the connection. */
async function rawUpgrade(fd: Frontdoor, c: Client, path: string): Promise<{ head: string; closed: boolean }> {
  const socket = tls.connect({ host: '127.0.0.1', port: fd.port, ca: c.creds.ca, cert: c.creds.cert, key: c.creds.key, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`);
  const chunks: Buffer[] = [];
  // The server must end the connection itself: reading to the end proves it was closed.
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return { head: Buffer.concat(chunks).toString('utf8'), closed: true };
}
