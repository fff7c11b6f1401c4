import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Backend, base64, makePKI, type TestPKI } from '../aggregator/proxy/helpers.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { eventually } from '../helpers/https.js';
import { startedClient, type Client, type Obj } from '../integration/api-helpers.js';

const GROUP = 'replicas.example.io';
const NAME = `v1.${GROUP}`;
const APISERVICES = '/apis/apiregistration.k8s.io/v1/apiservices';
const THINGS = `/apis/${GROUP}/v1/namespaces/ns1/things`;
/** Controllers re-check every 30 s: wait up to 90 s, asking every half second. */
const SLOW = { tries: 180, intervalMs: 500 };

type Condition = { type: string; status: string; reason: string; message: string; lastTransitionTime: string };
const availableOf = (r: { status: number; json<T>(): T }): Condition | undefined =>
  r.status === 200 ? r.json<{ status?: { conditions?: Condition[] } }>().status?.conditions?.find((c) => c.type === 'Available') : undefined;

/**
 * Two frontdoor replicas on one etcd (issue 12: "every replica reaches the
 * same answer"): both run the availability controller for the same
 * APIService; it becomes Available through either, each replica's own proxy
 * then serves it (each reads the condition from its own cache), a stopped
 * backend makes it unavailable on both with one reason, and a new backend
 * brings both back. Both controllers write the condition only when it
 * differs from what they find, so two replicas that agree settle on one.
 */
describe('two frontdoor replicas on one etcd agree on an APIService\'s Available condition', () => {
  let etcd: EtcdServer;
  let fds: Frontdoor[] = [];
  let clients: Client[] = [];
  let pki: TestPKI;
  let backend: Backend;

  const serveDiscovery = (b: Backend) => {
    b.routes.set(`/apis/${GROUP}/v1`, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${GROUP}/v1`, resources: [{ name: 'things', singularName: 'thing', namespaced: true, kind: 'Thing', verbs: ['list'] }] }));
    });
  };
  const pointServiceAt = async (port: number) => {
    const c = clients[0]!;
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'ns1' }, spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ port: 443, targetPort: port }] } };
    const existing = await c.get('/api/v1/namespaces/ns1/services/api');
    if (existing.status === 404) assert.equal((await c.post('/api/v1/namespaces/ns1/services', svc)).status, 201);
    else assert.equal((await c.put('/api/v1/namespaces/ns1/services/api', { ...svc, metadata: existing.json<Obj>().metadata })).status, 200);
  };
  const apiService = (port: number) => ({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: NAME },
    spec: { group: GROUP, version: 'v1', service: { namespace: 'ns1', name: 'api', port }, caBundle: base64(pki.servingCA.certPem), groupPriorityMinimum: 1000, versionPriority: 15 },
  });

  before(async () => {
    etcd = await startEtcd();
    fds = await Promise.all([0, 1].map(() => startFrontdoor({ args: ['--etcd-servers', etcd.endpoint] })));
    clients = await Promise.all(fds.map((fd) => startedClient(fd)));
    pki = makePKI();
    backend = await Backend.start(pki);
    serveDiscovery(backend);
    assert.equal((await clients[0]!.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } })).status, 201);
    await pointServiceAt(backend.port);
    // The APIService's port is the ExternalName's port: the backend's own.
    assert.equal((await clients[1]!.post(APISERVICES, apiService(backend.port))).status, 201);
  });
  after(async () => {
    await backend?.stop().catch(() => undefined);
    await Promise.all(fds.map((fd) => fd.stop()));
    await etcd?.stop();
  });

  it('becomes Available through both, and each replica\'s proxy serves it', async () => {
    for (const c of clients) {
      const r = await eventually(() => c.get(`${APISERVICES}/${NAME}`), (r) => availableOf(r)?.status === 'True', SLOW);
      assert.equal(availableOf(r)!.reason, 'Passed');
    }
    for (const [i, c] of clients.entries()) {
      // A replica's proxy answers 503 until its own cache holds Available=True.
      const r = await eventually(() => c.get(THINGS), (r) => r.status === 200, SLOW);
      assert.equal(r.status, 200, `replica ${i}: ${r.body}`);
    }
  });

  it('a stopped backend: both replicas find it unavailable, with one reason and message, and answer 503', async () => {
    const port = backend.port;
    await backend.stop();
    const seen: Condition[] = [];
    for (const c of clients) {
      const r = await eventually(() => c.get(`${APISERVICES}/${NAME}`), (r) => availableOf(r)?.status === 'False', SLOW);
      seen.push(availableOf(r)!);
    }
    assert.equal(seen[0]!.reason, 'FailedDiscoveryCheck');
    for (const [i, c] of clients.entries()) {
      const r = await eventually(() => c.get(THINGS), (r) => r.status === 503, SLOW);
      assert.equal(r.status, 503, `replica ${i}: ${r.body}`);
    }
    // Each replica's controller re-checks when the Service changes; both find what is stored and write nothing new.
    await pointServiceAt(port);
    const settled = await Promise.all(clients.map((c) => c.get(`${APISERVICES}/${NAME}`)));
    assert.deepEqual(
      settled.map((r) => ({ ...availableOf(r)!, lastTransitionTime: '' })),
      settled.map(() => ({ ...seen[0]!, lastTransitionTime: '' })),
    );
  });

  it('a new backend brings both back', async () => {
    backend = await Backend.start(pki);
    serveDiscovery(backend);
    await pointServiceAt(backend.port);
    const c = clients[0]!;
    const current = (await c.get(`${APISERVICES}/${NAME}`)).json<Obj & { status?: unknown }>();
    assert.equal((await c.put(`${APISERVICES}/${NAME}`, { ...apiService(backend.port), metadata: current.metadata, status: current.status })).status, 200);
    for (const [i, client] of clients.entries()) {
      await eventually(() => client.get(`${APISERVICES}/${NAME}`), (r) => availableOf(r)?.status === 'True', SLOW);
      const r = await eventually(() => client.get(THINGS), (r) => r.status === 200, SLOW);
      assert.equal(r.status, 200, `replica ${i}: ${r.body}`);
    }
  });
});
