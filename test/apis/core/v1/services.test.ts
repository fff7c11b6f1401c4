import { test } from 'node:test';
import assert from 'node:assert/strict';
import { services, type Service } from '../../../../src/apis/core/v1/services.js';
import { clusterIPFor } from '../../../../src/apis/core/v1/cluster-ip.js';
import { ago, cells, create, NOW, update } from './helpers.js';

const meta = { name: 'web', namespace: 'default' };
const svc = (spec: Record<string, unknown>): Service => ({ metadata: meta, spec });

test('service defaults: ClusterIP, None affinity, TCP, targetPort=port, Cluster policy, one IPv4 cluster IP', () => {
  const { obj, errs } = create(services, svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
  assert.deepEqual(errs, []);
  const spec = obj.spec ?? {};
  assert.equal(spec.type, 'ClusterIP');
  assert.equal(spec.sessionAffinity, 'None');
  assert.deepEqual(spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.equal(spec.internalTrafficPolicy, 'Cluster');
  assert.equal(spec.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(spec.ipFamilies, ['IPv4']);
  const ip = clusterIPFor('default', 'web');
  assert.equal(spec.clusterIP, ip);
  assert.deepEqual(spec.clusterIPs, [ip]);
  assert.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
  assert.equal(clusterIPFor('default', 'kubernetes'), '10.96.0.1');
});

test('service: headless keeps None; NodePort gets node ports and external policy; ExternalName gets no IP', () => {
  const headless = create(services, svc({ clusterIP: 'None', selector: { a: 'b' } })).obj.spec ?? {};
  assert.deepEqual(headless.clusterIPs, ['None']);
  assert.equal(headless.ipFamilyPolicy, 'SingleStack');
  const noSelector = create(services, svc({ clusterIP: 'None' })).obj.spec ?? {};
  assert.equal(noSelector.ipFamilyPolicy, 'RequireDualStack');
  const np = create(services, svc({ type: 'NodePort', ports: [{ port: 80 }] }));
  assert.deepEqual(np.errs, []);
  const port = ((np.obj.spec ?? {}).ports as { nodePort: number }[])[0];
  assert.ok(port.nodePort >= 30000 && port.nodePort <= 32767);
  assert.equal((np.obj.spec ?? {}).externalTrafficPolicy, 'Cluster');
  const ext = create(services, svc({ type: 'ExternalName', externalName: 'example.com.' }));
  assert.deepEqual(ext.errs, []);
  assert.equal((ext.obj.spec ?? {}).clusterIP, undefined);
});

test('service validation: kube field paths and messages', () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ ports: [] }, ['spec.ports: Required value']],
    [{ ports: [{ port: 0 }] }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']],
    [{ ports: [{ port: 80 }, { port: 81, name: 'b' }] }, ['spec.ports[0].name: Required value']],
    [{ ports: [{ port: 80, name: 'a' }, { port: 81, name: 'a' }] }, ['spec.ports[1].name: Duplicate value: "a"']],
    [{ ports: [{ port: 80, protocol: 'HTTP' }] }, ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
    [{ type: 'Foo', ports: [{ port: 80 }] }, ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    [{ ports: [{ port: 80, nodePort: 30001 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    [{ type: 'ExternalName' }, ['spec.externalName: Required value']],
    [{ clusterIP: '1.2.3', ports: [{ port: 80 }] }, ['spec.clusterIPs[0]: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    [{ ports: [{ port: 80 }], selector: { 'bad key!': 'x' } }, [
      `spec.selector: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ]],
    [{ ports: [{ port: 80, targetPort: 'Bad_Name' }] }, [
      'spec.ports[0].targetPort: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]],
  ];
  for (const [spec, want] of cases) assert.deepEqual(create(services, svc(spec)).errs, want, JSON.stringify(spec));
  assert.deepEqual(services.nameValidator('1web', false), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
});

test('service update: omitted cluster IP is kept, a changed one is refused', () => {
  const old = create(services, svc({ ports: [{ port: 80 }] })).obj;
  const kept = update(services, svc({ ports: [{ port: 80 }, { port: 81, name: 'b' }].map((p, i) => (i === 0 ? { ...p, name: 'a' } : p)) }), old);
  assert.deepEqual(kept.errs, []);
  assert.equal((kept.obj.spec ?? {}).clusterIP, (old.spec ?? {}).clusterIP);
  const changed = update(services, svc({ clusterIP: '10.96.5.5', ports: [{ port: 80 }] }), old);
  assert.deepEqual(changed.errs, ['spec.clusterIPs[0]: Invalid value: []string{"10.96.5.5"}: may not change once set']);
});

test('service update: node ports survive an update that leaves them out', () => {
  const old = create(services, svc({ type: 'NodePort', ports: [{ port: 80, name: 'http' }] })).obj;
  const next = update(services, svc({ type: 'NodePort', ports: [{ port: 80, name: 'http' }] }), old);
  assert.deepEqual(next.errs, []);
  assert.deepEqual((next.obj.spec ?? {}).ports, (old.spec ?? {}).ports);
});

test('service table: TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR', () => {
  const s: Service = {
    metadata: { ...meta, creationTimestamp: ago(2 * 24 * 3600_000) },
    spec: {
      type: 'NodePort',
      clusterIP: '10.96.0.10',
      ports: [
        { port: 80, protocol: 'TCP' },
        { port: 443, nodePort: 30443, protocol: 'TCP' },
      ],
      selector: { app: 'web', tier: 'fe' },
    },
  };
  assert.deepEqual(services.tableColumns.map((c) => [c.name, c.priority]), [
    ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1],
  ]);
  assert.deepEqual(cells(services, s, NOW), ['NodePort', '10.96.0.10', '<none>', '80/TCP,443:30443/TCP', '2d', 'app=web,tier=fe']);
  const lb: Service = { metadata: meta, spec: { type: 'LoadBalancer', ports: [] }, status: { loadBalancer: { ingress: [{ ip: '5.6.7.8' }, { hostname: 'a.example' }] } } };
  assert.deepEqual(cells(services, lb, NOW).slice(1, 4), ['<none>', '5.6.7.8,a.example', '<none>']);
  const pending: Service = { metadata: meta, spec: { type: 'LoadBalancer' } };
  assert.equal(cells(services, pending, NOW)[2], '<pending>');
});

test('service facts: discovery names, field labels, storage prefix', () => {
  assert.deepEqual(services.info.shortNames, ['svc']);
  assert.deepEqual(services.info.categories, ['all']);
  assert.equal(services.storagePrefix, '/services/specs');
  assert.deepEqual(services.fieldLabels?.(svc({ type: 'ClusterIP', clusterIP: '10.96.0.3' })), {
    'spec.clusterIP': '10.96.0.3',
    'spec.type': 'ClusterIP',
  });
});
