import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEndpointPicker } from '../../../src/aggregator/proxy/endpoint-picker.js';
import { createServiceResolver, ServiceResolutionError, type ResolvedEndpoint, type ServiceLookups } from '../../../src/aggregator/proxy/resolve.js';
import type { Endpoints } from '../../../src/apis/core/v1/endpoints.js';
import type { Service } from '../../../src/apis/core/v1/service-types.js';
import type { EndpointSlice } from '../../../src/apis/discovery/v1/index.js';

const svc = (spec: Record<string, unknown>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'ns1' }, spec });
const eps = (subsets: Record<string, unknown>[]): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'api', namespace: 'ns1' }, subsets });

function lookups(service?: Service, endpoints?: Endpoints): ServiceLookups {
  return {
    getService: (ns, name) => (ns === 'ns1' && name === 'api' ? service : undefined),
    getEndpoints: (ns, name) => (ns === 'ns1' && name === 'api' ? endpoints : undefined),
  };
}

const urls = (list: ResolvedEndpoint[]) => list.map((e) => e.url).sort();

function fails(fn: () => unknown, reason: string, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ServiceResolutionError, String(err));
    assert.equal(err.reason, reason);
    assert.equal(err.message, message);
    return true;
  });
}

const ref = { namespace: 'ns1', name: 'api', port: 443 };
const clusterIP = svc({ type: 'ClusterIP', clusterIP: '10.0.0.10', ports: [{ name: 'https', port: 443, targetPort: 8443 }] });

describe('service resolution, aggregator routing on', () => {
  it('gives every ready address with the port named like the service port', () => {
    const resolve = createServiceResolver(
      lookups(
        clusterIP,
        eps([
          { addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], notReadyAddresses: [{ ip: '10.1.0.9' }], ports: [{ name: 'https', port: 8443 }, { name: 'metrics', port: 9090 }] },
          { addresses: [{ ip: 'fd00::3' }], ports: [{ name: 'https', port: 8444 }] },
          { addresses: [{ ip: '10.1.0.7' }], ports: [{ name: 'metrics', port: 9090 }] },
        ]),
      ),
    );
    assert.deepEqual(urls(resolve(ref)), ['https://10.1.0.1:8443', 'https://10.1.0.2:8443', 'https://[fd00::3]:8444']);
    assert.deepEqual(resolve(ref).find((e) => e.host === 'fd00::3'), { host: 'fd00::3', port: 8444, url: 'https://[fd00::3]:8444' });
  });

  it('matches an unnamed Endpoints port by the targetPort when no port has the name', () => {
    const resolve = createServiceResolver(lookups(clusterIP, eps([{ addresses: [{ ip: '10.1.0.1' }], ports: [{ port: 8443 }] }])));
    assert.deepEqual(urls(resolve(ref)), ['https://10.1.0.1:8443']);
  });

  it('defaults the port to 443', () => {
    const resolve = createServiceResolver(lookups(clusterIP, eps([{ addresses: [{ ip: '10.1.0.1' }], ports: [{ name: 'https', port: 8443 }] }])));
    assert.deepEqual(urls(resolve({ namespace: 'ns1', name: 'api' })), ['https://10.1.0.1:8443']);
  });

  it('resolves an ExternalName to its name and the APIService port', () => {
    const resolve = createServiceResolver(lookups(svc({ type: 'ExternalName', externalName: 'localhost' })));
    assert.deepEqual(resolve({ ...ref, port: 9443 }), [{ host: 'localhost', port: 9443, url: 'https://localhost:9443' }]);
  });

  it('words its failures as the availability controller does', () => {
    fails(() => createServiceResolver(lookups())(ref), 'ServiceNotFound', 'service/api in "ns1" is not present');
    fails(() => createServiceResolver(lookups(clusterIP))({ ...ref, port: 444 }), 'ServicePortError', 'service/api in "ns1" is not listening on port 444');
    fails(() => createServiceResolver(lookups(clusterIP))(ref), 'EndpointsNotFound', 'cannot find endpoints for service/api in "ns1"');
    fails(
      () => createServiceResolver(lookups(clusterIP, eps([{ notReadyAddresses: [{ ip: '10.1.0.1' }], ports: [{ name: 'https', port: 8443 }] }])))(ref),
      'MissingEndpoints',
      'endpoints for service/api in "ns1" have no addresses with port name "https"',
    );
    fails(() => createServiceResolver(lookups(clusterIP, eps([])))(ref), 'MissingEndpoints', 'endpoints for service/api in "ns1" have no addresses with port name "https"');
    fails(() => createServiceResolver(lookups(svc({ type: 'Weird', ports: [{ port: 443 }] })))(ref), 'FailedDiscoveryCheck', 'unsupported service type "Weird"');
  });
});

describe('service resolution through EndpointSlices (routing on)', () => {
  const slice = (name: string, fields: Partial<EndpointSlice>): EndpointSlice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'ns1', labels: { 'kubernetes.io/service-name': 'api' } },
    addressType: 'IPv4',
    ...fields,
  });
  const withSlices = (service: Service | undefined, slices: EndpointSlice[], endpoints?: Endpoints): ServiceLookups => ({
    ...lookups(service, endpoints),
    listEndpointSlices: (ns, name) => (ns === 'ns1' && name === 'api' ? slices : []),
  });

  it('gives every ready endpoint (ready unset counts) of every slice at the port named like the service port', () => {
    const resolve = createServiceResolver(
      withSlices(clusterIP, [
        slice('api-a', {
          endpoints: [
            { addresses: ['10.2.0.1'], conditions: { ready: true } },
            { addresses: ['10.2.0.2'] },
            { addresses: ['10.2.0.9'], conditions: { ready: false, serving: true } },
          ],
          ports: [{ name: 'https', protocol: 'TCP', port: 8443 }, { name: 'metrics', protocol: 'TCP', port: 9090 }],
        }),
        // During a rebalance an endpoint may be in two slices: it is one candidate.
        slice('api-b', { endpoints: [{ addresses: ['10.2.0.2'] }, { addresses: ['10.2.0.3', '10.2.0.4'] }], ports: [{ name: 'https', protocol: 'TCP', port: 8443 }] }),
        slice('api-v6', { addressType: 'IPv6', endpoints: [{ addresses: ['fd00::5'] }], ports: [{ name: 'https', protocol: 'TCP', port: 8443 }] }),
        slice('api-other-port', { endpoints: [{ addresses: ['10.2.0.7'] }], ports: [{ name: 'metrics', protocol: 'TCP', port: 9090 }] }),
      ]),
    );
    assert.deepEqual(urls(resolve(ref)), ['https://10.2.0.1:8443', 'https://10.2.0.2:8443', 'https://10.2.0.3:8443', 'https://[fd00::5]:8443']);
  });

  it('prefers the slices to the Endpoints, and falls back to the Endpoints when no slice names the service', () => {
    const endpoints = eps([{ addresses: [{ ip: '10.1.0.1' }], ports: [{ name: 'https', port: 8443 }] }]);
    const slices = [slice('api-a', { endpoints: [{ addresses: ['10.2.0.1'] }], ports: [{ name: 'https', protocol: 'TCP', port: 8443 }] })];
    assert.deepEqual(urls(createServiceResolver(withSlices(clusterIP, slices, endpoints))(ref)), ['https://10.2.0.1:8443']);
    assert.deepEqual(urls(createServiceResolver(withSlices(clusterIP, [], endpoints))(ref)), ['https://10.1.0.1:8443']);
  });

  it('matches an unnamed slice port by the targetPort', () => {
    const slices = [slice('api-a', { endpoints: [{ addresses: ['10.2.0.1'] }], ports: [{ name: '', protocol: 'TCP', port: 8443 }] })];
    assert.deepEqual(urls(createServiceResolver(withSlices(clusterIP, slices))(ref)), ['https://10.2.0.1:8443']);
  });

  it('slices with no ready endpoint: MissingEndpoints, not the Endpoints', () => {
    const endpoints = eps([{ addresses: [{ ip: '10.1.0.1' }], ports: [{ name: 'https', port: 8443 }] }]);
    const slices = [slice('api-a', { endpoints: [{ addresses: ['10.2.0.1'], conditions: { ready: false } }], ports: [{ name: 'https', protocol: 'TCP', port: 8443 }] })];
    fails(
      () => createServiceResolver(withSlices(clusterIP, slices, endpoints))(ref),
      'MissingEndpoints',
      'endpointslices for service/api in "ns1" have no ready endpoints with port name "https"',
    );
  });
});

describe('service resolution, aggregator routing off', () => {
  const resolve = (service: Service) => createServiceResolver(lookups(service), { enableAggregatorRouting: false });

  it('goes to the cluster IP and the service port, without reading endpoints', () => {
    assert.deepEqual(resolve(clusterIP)(ref), [{ host: '10.0.0.10', port: 443, url: 'https://10.0.0.10:443' }]);
    const nodePort = svc({ type: 'NodePort', clusterIP: 'fd00::a', ports: [{ port: 443, nodePort: 30443 }] });
    assert.deepEqual(urls(resolve(nodePort)(ref)), ['https://[fd00::a]:443']);
  });

  it('refuses a headless service', () => {
    fails(() => resolve(svc({ type: 'ClusterIP', clusterIP: 'None', ports: [{ port: 443 }] }))(ref), 'FailedDiscoveryCheck', 'cannot route to service with ClusterIP "None"');
  });

  it('still resolves an ExternalName', () => {
    assert.deepEqual(urls(resolve(svc({ type: 'ExternalName', externalName: 'api.example.com' }))(ref)), ['https://api.example.com:443']);
  });
});

describe('endpoint pickers', () => {
  const list: ResolvedEndpoint[] = ['a', 'b', 'c'].map((h) => ({ host: h, port: 1, url: `https://${h}:1` }));

  it('round robin takes each in turn, over a list that may change', () => {
    const pick = createEndpointPicker('round-robin');
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => pick(list).host), ['a', 'b', 'c', 'a', 'b', 'c']);
    assert.equal(pick(list.slice(0, 1)).host, 'a');
  });

  it('random picks by the random source', () => {
    const values = [0, 0.5, 0.99];
    const pick = createEndpointPicker('random', () => values.shift()!);
    assert.deepEqual([pick(list).host, pick(list).host, pick(list).host], ['a', 'b', 'c']);
  });
});
