import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Backend, base64, makePKI, type TestPKI } from '../aggregator/proxy/helpers.js';
import { eventually } from '../helpers/https.js';
import { startInProcess, type Client, type InProcess, type Obj } from './api-helpers.js';

const GROUP = 'slices.example.io';
const NAME = `v1.${GROUP}`;
const APISERVICES = '/apis/apiregistration.k8s.io/v1/apiservices';
const SLICES = '/apis/discovery.k8s.io/v1/namespaces/ns1/endpointslices';
const THINGS = `/apis/${GROUP}/v1/namespaces/ns1/things`;

type Condition = { type: string; status: string; reason: string; message: string };
const availableOf = (r: { status: number; json<T>(): T }): Condition | undefined =>
  r.status === 200 ? r.json<{ status?: { conditions?: Condition[] } }>().status?.conditions?.find((c) => c.type === 'Available') : undefined;

/**
 * discovery.k8s.io/v1 EndpointSlices as a built-in, and the aggregator
 * finding an APIService's backend through them (kube's aggregator routing):
 * a slice labelled kubernetes.io/service-name=<service> sends requests to its
 * ready endpoints, a slice whose endpoints are not ready makes the APIService
 * unavailable, and with no slice left the Service's Endpoints are used.
 *
 * The backend listens on 127.0.0.1, which validation refuses in a slice or an
 * Endpoints (kube's ValidateNonSpecialIP, tested below through the API): the
 * objects that point at it are written to storage directly, as a controller
 * with a different rule could have written them; everything else goes through
 * the API.
 */
describe('EndpointSlices and the aggregator', () => {
  let srv: InProcess;
  let c: Client;
  let pki: TestPKI;
  let backend: Backend;
  let slicesPrefix: string;
  let endpointsPrefix: string;

  const slice = (name: string, address: string, port: number, ready?: boolean) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'ns1', labels: { 'kubernetes.io/service-name': 'api' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], ...(ready === undefined ? {} : { conditions: { ready } }) }],
    ports: [{ name: 'https', protocol: 'TCP', port }],
  });
  /** Written as a controller would, bypassing validation (see above). */
  const writeRaw = async (prefix: string, obj: Obj) => {
    const key = `${prefix}/ns1/${obj.metadata.name}`;
    const meta = { ...obj.metadata, uid: randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    await srv.storage.delete(key).catch(() => undefined);
    await srv.storage.create(key, { ...obj, metadata: meta });
  };
  const available = () => c.get(`${APISERVICES}/${NAME}`);

  before(async () => {
    srv = await startInProcess();
    c = srv.client;
    slicesPrefix = srv.chain.master.installer.store('discovery.k8s.io', 'v1', 'endpointslices')!.prefix;
    endpointsPrefix = srv.chain.master.installer.store('', 'v1', 'endpoints')!.prefix;
    pki = makePKI();
    backend = await Backend.start(pki);
    backend.routes.set(`/apis/${GROUP}/v1`, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${GROUP}/v1`, resources: [{ name: 'things', singularName: 'thing', namespaced: true, kind: 'Thing', verbs: ['list'] }] }));
    });
    assert.equal((await c.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } })).status, 201);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'ns1' }, spec: { ports: [{ name: 'https', port: 443, targetPort: backend.port }] } };
    const created = await c.post('/api/v1/namespaces/ns1/services', svc);
    assert.equal(created.status, 201, created.body);
  });
  after(async () => {
    await backend?.stop().catch(() => undefined);
    await srv?.stop();
  });

  it('serves EndpointSlices with kube\'s validation and table', async () => {
    const valid = slice('web-1', '10.0.0.1', 8080);
    const made = await c.post(SLICES, valid);
    assert.equal(made.status, 201, made.body);
    assert.equal(made.json<Obj>().metadata.generation, 1);
    const table = (await c.get(`${SLICES}/web-1`, 'application/json;as=Table;v=v1;g=meta.k8s.io')).json<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>();
    assert.deepEqual(table.columnDefinitions.map((d) => d.name), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    assert.deepEqual(table.rows[0]!.cells.slice(0, 4), ['web-1', 'IPv4', '8080', '10.0.0.1']);

    const loopback = await c.post(SLICES, slice('web-2', '127.0.0.1', 8080));
    assert.equal(loopback.status, 422, loopback.body);
    assert.match(loopback.body, /endpoints\[0\]\.addresses\[0\]: Invalid value: \\"127\.0\.0\.1\\": may not be in the loopback range/);

    const current = (await c.get(`${SLICES}/web-1`)).json<Obj>();
    const changed = await c.put(`${SLICES}/web-1`, { ...current, addressType: 'FQDN', endpoints: [{ addresses: ['web.example.com'] }] });
    assert.equal(changed.status, 422, changed.body);
    assert.match(changed.body, /addressType: Invalid value: \\"FQDN\\": field is immutable/);
    assert.equal((await c.del(`${SLICES}/web-1`)).status, 200);
  });

  it('an APIService whose Service has neither slices nor Endpoints: EndpointsNotFound', async () => {
    const spec = { group: GROUP, version: 'v1', service: { namespace: 'ns1', name: 'api', port: 443 }, caBundle: base64(pki.servingCA.certPem), groupPriorityMinimum: 1000, versionPriority: 15 };
    assert.equal((await c.post(APISERVICES, { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: NAME }, spec })).status, 201);
    const r = await eventually(available, (r) => availableOf(r)?.reason === 'EndpointsNotFound');
    assert.equal(availableOf(r)!.status, 'False');
  });

  it('a ready endpoint in a slice labelled for the Service: Available, and requests reach it', async () => {
    await writeRaw(slicesPrefix, slice('api-abcde', '127.0.0.1', backend.port));
    const r = await eventually(available, (r) => availableOf(r)?.status === 'True');
    assert.equal(availableOf(r)!.reason, 'Passed');
    const before = backend.seen.length;
    const got = await c.get(`${THINGS}?limit=1`);
    assert.equal(got.status, 200, got.body);
    assert.equal(backend.seen.slice(before).some((s) => s.url === `${THINGS}?limit=1`), true);
  });

  it('its endpoint turning not ready: MissingEndpoints and 503', async () => {
    await writeRaw(slicesPrefix, slice('api-abcde', '127.0.0.1', backend.port, false));
    const r = await eventually(available, (r) => availableOf(r)?.reason === 'MissingEndpoints');
    assert.match(availableOf(r)!.message, /endpointslices for service\/api in "ns1" have no ready endpoints/);
    assert.equal((await c.get(THINGS)).status, 503);
  });

  it('no slice left: the Service\'s Endpoints are used', async () => {
    await srv.storage.delete(`${slicesPrefix}/ns1/api-abcde`);
    await writeRaw(endpointsPrefix, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'api', namespace: 'ns1' },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: backend.port, protocol: 'TCP' }] }],
    });
    await eventually(available, (r) => availableOf(r)?.status === 'True');
    assert.equal((await c.get(THINGS)).status, 200);
  });
});
