import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryV1Resources, endpointSlices, type EndpointSlice } from '../../../src/apis/discovery/v1/index.js';

const strategy = endpointSlices.strategy;
const slice = (fields: Partial<EndpointSlice>): EndpointSlice => ({
  metadata: { name: 'api-abc12', namespace: 'default', labels: { 'kubernetes.io/service-name': 'api' } },
  addressType: 'IPv4',
  ...fields,
});
const validate = (s: EndpointSlice): string[] => strategy.validate!(s).map(String);

describe('endpointslices: resource info', () => {
  it('discovery.k8s.io/v1 endpointslices, namespaced, generation bumped on change', () => {
    assert.deepEqual(endpointSlices.info, {
      group: 'discovery.k8s.io',
      version: 'v1',
      resource: 'endpointslices',
      singularName: 'endpointslice',
      kind: 'EndpointSlice',
      namespaced: true,
    });
    assert.equal(discoveryV1Resources.length, 1);
    assert.equal(endpointSlices.generation, 'spec');
    assert.equal(endpointSlices.status, undefined);
    assert.equal(endpointSlices.nameValidator('api-abc12', false).length, 0);
    assert.equal(endpointSlices.nameValidator('Api_1', false).length, 1);
  });
});

describe('endpointslices: defaults', () => {
  it('a port gets protocol TCP and name ""', () => {
    const s = slice({ ports: [{ port: 443 }, { name: 'dns', protocol: 'UDP', port: 53 }] });
    strategy.defaults!(s);
    assert.deepEqual(s.ports, [
      { port: 443, protocol: 'TCP', name: '' },
      { name: 'dns', protocol: 'UDP', port: 53 },
    ]);
  });
});

describe('endpointslices: validation', () => {
  const cases: { name: string; s: EndpointSlice; want: string[] }[] = [
    {
      name: 'a slice of two ready IPv4 endpoints',
      s: slice({
        endpoints: [
          { addresses: ['10.0.0.1'], conditions: { ready: true }, nodeName: 'node-1', zone: 'us-east-1a', hostname: 'pod-1' },
          { addresses: ['10.0.0.2'], conditions: { ready: false } },
        ],
        ports: [{ name: 'https', protocol: 'TCP', port: 443, appProtocol: 'kubernetes.io/h2c' }],
      }),
      want: [],
    },
    { name: 'no endpoints and no ports', s: slice({}), want: [] },
    { name: 'IPv6', s: slice({ addressType: 'IPv6', endpoints: [{ addresses: ['2001:db8::1'] }] }), want: [] },
    { name: 'FQDN with a trailing dot', s: slice({ addressType: 'FQDN', endpoints: [{ addresses: ['api.example.com.'] }] }), want: [] },
    { name: 'addressType is required', s: slice({ addressType: undefined }), want: ['addressType: Required value'] },
    {
      name: 'addressType is one of IPv4, IPv6, FQDN',
      s: slice({ addressType: 'IPv5', endpoints: [{ addresses: ['anything'] }] }),
      want: ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"'],
    },
    {
      name: 'an endpoint needs an address',
      s: slice({ endpoints: [{ addresses: [] }] }),
      want: ['endpoints[0].addresses: Required value: must contain at least 1 address'],
    },
    {
      name: 'at most 100 addresses',
      s: slice({ endpoints: [{ addresses: Array.from({ length: 101 }, (_, i) => `10.0.${i >> 8}.${(i % 250) + 1}`) }] }),
      want: ['endpoints[0].addresses: Too many: 101: must have at most 100 items'],
    },
    {
      name: 'at most 1000 endpoints',
      s: slice({ endpoints: Array.from({ length: 1001 }, () => ({ addresses: ['10.0.0.1'] })) }),
      want: ['endpoints: Too many: 1001: must have at most 1000 items'],
    },
    {
      name: 'addresses must be of the addressType, and not special',
      s: slice({ endpoints: [{ addresses: ['2001:db8::1', '127.0.0.1', 'not-an-ip'] }] }),
      want: [
        'endpoints[0].addresses[0]: Invalid value: "2001:db8::1": must be a valid IPv4 address',
        'endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
        'endpoints[0].addresses[2]: Invalid value: "not-an-ip": must be a valid IPv4 address',
      ],
    },
    {
      name: 'IPv6 addresses',
      s: slice({ addressType: 'IPv6', endpoints: [{ addresses: ['10.0.0.1'] }] }),
      want: ['endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be a valid IPv6 address'],
    },
    {
      name: 'an FQDN has two labels at least',
      s: slice({ addressType: 'FQDN', endpoints: [{ addresses: ['localhost', 'Bad_Name.example'] }] }),
      want: [
        'endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots',
        "endpoints[0].addresses[1]: Invalid value: \"Bad_Name.example\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    },
    {
      name: 'hostname is a DNS label, nodeName a DNS subdomain',
      s: slice({ endpoints: [{ addresses: ['10.0.0.1'], hostname: 'a.b', nodeName: 'Node_1' }] }),
      want: [
        "endpoints[0].nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        'endpoints[0].hostname: Invalid value: "a.b": must not contain dots',
      ],
    },
    {
      name: 'zone hints: at most 8, unique',
      s: slice({ endpoints: [{ addresses: ['10.0.0.1'], hints: { forZones: [{ name: 'a' }, { name: 'a' }] } }] }),
      want: ['endpoints[0].hints.forZones[1].name: Duplicate value: "a"'],
    },
    {
      name: 'ports: unique names, a protocol, a real port number, a qualified appProtocol',
      s: slice({
        ports: [
          { name: 'https', protocol: 'TCP', port: 443 },
          { name: 'https', protocol: 'HTTP', port: 70000 },
          { name: 'Bad_Name', port: 1, appProtocol: 'a/b/c' },
        ],
      }),
      want: [
        'ports[1].name: Duplicate value: "https"',
        'ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
        'ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
        "ports[2].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        'ports[2].protocol: Required value',
        "ports[2].appProtocol: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    },
    {
      name: 'a port without a number means every port',
      s: slice({ ports: [{ name: '', protocol: 'TCP' }] }),
      want: [],
    },
    {
      name: 'at most 20000 ports',
      s: slice({ ports: Array.from({ length: 20001 }, (_, i) => ({ name: `p${i}`, protocol: 'TCP', port: 1 })) }),
      want: ['ports: Too many: 20001: must have at most 20000 items'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(validate(c.s), c.want);
      assert.deepEqual(strategy.validateUpdate!(c.s, { ...c.s }).map(String), c.want);
    });
  }

  it('addressType is immutable', () => {
    const old = slice({ endpoints: [{ addresses: ['10.0.0.1'] }] });
    const next = slice({ addressType: 'FQDN', endpoints: [{ addresses: ['api.example.com'] }] });
    assert.deepEqual(strategy.validateUpdate!(next, old).map(String), ['addressType: Invalid value: "FQDN": field is immutable']);
  });
});

describe('endpointslices: table', () => {
  it('ADDRESSTYPE, PORTS, ENDPOINTS, AGE as kube prints them', () => {
    const now = new Date('2024-05-01T12:00:00Z');
    assert.deepEqual(
      endpointSlices.tableColumns.map((c) => c.name),
      ['AddressType', 'Ports', 'Endpoints', 'Age'],
    );
    const s = slice({
      endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4', '10.0.0.5'] }],
      ports: [{ port: 443 }, { name: 'metrics' }, {}, { port: 8080 }],
    });
    s.metadata!.creationTimestamp = '2024-05-01T11:59:30Z';
    assert.deepEqual(endpointSlices.tableColumns.map((c) => c.cell(s, now)), [
      'IPv4',
      '443,metrics,* + 1 more...',
      '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...',
      '30s',
    ]);
    assert.deepEqual(endpointSlices.tableColumns.map((c) => c.cell(slice({}), now)).slice(1, 3), ['<unset>', '<unset>']);
  });
});
