import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { kubectl, kubectlUntilOk } from '../helpers/kubectl.js';

const SLICE = `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc12
  namespace: default
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
  - name: http
    port: 8080
  - name: metrics
    port: 9090
    protocol: TCP
endpoints:
  - addresses: ["10.0.0.1"]
    conditions: { ready: true }
    nodeName: node-1
  - addresses: ["10.0.0.2"]
    conditions: { ready: false }
`;

/** kubectl 1.32 with discovery.k8s.io/v1 EndpointSlices: create -f (validated against /openapi/v3), get as a Table, get -o yaml with v1 defaults, a refused edit. */
describe('kubectl and EndpointSlices', () => {
  let fd: Frontdoor;
  before(async () => {
    fd = await startFrontdoor();
    await kubectlUntilOk(fd.kubeconfig, ['get', 'namespace', 'default']);
  });
  after(async () => {
    await fd.stop();
  });

  it('creates one from a manifest and lists it with kube\'s columns', async () => {
    const created = await kubectl(fd.kubeconfig, ['create', '-f', '-'], { stdin: SLICE });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /endpointslice\.discovery\.k8s\.io\/web-abc12 created/);
    const table = await kubectl(fd.kubeconfig, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
    assert.equal(table.code, 0, table.stderr);
    const [header, row] = table.stdout.trim().split('\n');
    assert.deepEqual(header!.split(/\s+/), ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    assert.match(row!, /^web-abc12\s+IPv4\s+8080,9090\s+10\.0\.0\.1,10\.0\.0\.2\s+\S+$/);
  });

  it('stores the v1 defaults, and refuses a change of addressType and a loopback address', async () => {
    const yaml = await kubectl(fd.kubeconfig, ['get', 'endpointslice', 'web-abc12', '-o', 'jsonpath={.ports[0].protocol} {.metadata.generation}']);
    assert.equal(yaml.stdout, 'TCP 1');
    const patched = await kubectl(fd.kubeconfig, ['patch', 'endpointslice', 'web-abc12', '--type', 'merge', '-p', '{"addressType":"IPv6"}']);
    assert.notEqual(patched.code, 0);
    assert.match(patched.stderr, /addressType: Invalid value: "IPv6": field is immutable/);
    const loopback = await kubectl(fd.kubeconfig, ['patch', 'endpointslice', 'web-abc12', '--type', 'json', '-p', '[{"op":"replace","path":"/endpoints/0/addresses/0","value":"127.0.0.1"}]']);
    assert.notEqual(loopback.code, 0);
    assert.match(loopback.stderr, /endpoints\[0\]\.addresses\[0\]: Invalid value: "127\.0\.0\.1": may not be in the loopback range/);
  });
});
