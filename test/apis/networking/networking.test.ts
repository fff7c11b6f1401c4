import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ingresses, networkingV1Resources, networkPolicies, type Ingress, type NetworkPolicy } from '../../../src/apis/networking/v1/index.js';
import { ago, cells, create, NOW, update } from '../core/v1/helpers.js';
import { KUBECTL_132, kubectlCreate } from '../batch/kubectl-create.js';

const backend = { service: { name: 'web', port: { number: 80 } } };
const ing = (spec: Record<string, unknown>, annotations?: Record<string, string>): Ingress => ({
  metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec,
});
const rule = (host: string, path: Record<string, unknown>) => ({ host, http: { paths: [{ backend, ...path }] } });

describe('networking.k8s.io/v1 ingresses', () => {
  it('info; status starts with an empty load balancer', () => {
    assert.deepEqual(networkingV1Resources.map((d) => d.info.resource), ['ingresses', 'networkpolicies']);
    assert.deepEqual(ingresses.info.shortNames, ['ing']);
    const { obj, errs } = create(ingresses, ing({ rules: [rule('foo.com', { path: '/', pathType: 'Prefix' })] }));
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.status, { loadBalancer: {} });
  });

  const cases: [string, Ingress, string[]][] = [
    ['rules or a default backend', ing({}), ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']],
    ['pathType required', ing({ rules: [rule('a.com', { path: '/' })] }), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
    [
      'Prefix and Exact paths are absolute and clean',
      ing({ rules: [rule('a.com', { path: 'api', pathType: 'Exact' }), rule('b.com', { path: '/a//b/.', pathType: 'Prefix' })] }),
      [
        'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
        "spec.rules[1].http.paths[0].path: Invalid value: \"/a//b/.\": must not contain '//'",
        "spec.rules[1].http.paths[0].path: Invalid value: \"/a//b/.\": cannot end with '/.'",
      ],
    ],
    [
      'pathType enum',
      ing({ rules: [rule('a.com', { path: '/', pathType: 'Regex' })] }),
      ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
    ],
    [
      'host: not an IP, wildcard form',
      ing({ rules: [rule('10.0.0.1', { path: '/', pathType: 'Prefix' }), rule('*.a.com', { path: '/', pathType: 'Prefix' }), rule('a.*.com', { path: '/', pathType: 'Prefix' })] }),
      [
        'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
        `spec.rules[2].host: Invalid value: "a.*.com": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    ],
    [
      'backend port: name or number',
      ing({ defaultBackend: { service: { name: 'web', port: {} } } }),
      ['spec.defaultBackend: Required value: port name or number is required'],
    ],
    [
      'class annotation must agree with ingressClassName',
      ing({ ingressClassName: 'nginx', defaultBackend: backend }, { 'kubernetes.io/ingress.class': 'traefik' }),
      ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified'],
    ],
  ];
  for (const [name, obj, want] of cases) it(`validation: ${name}`, () => assert.deepEqual(create(ingresses, obj).errs, want));

  it('update validates the spec again', () => {
    const old = create(ingresses, ing({ defaultBackend: backend })).obj;
    assert.deepEqual(update(ingresses, { ...old, spec: {} }, old).errs, ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']);
  });

  it('table: Class, Hosts, Address, Ports, Age', () => {
    const obj = create(ingresses, ing({ tls: [{ hosts: ['a.com'] }], rules: ['a.com', 'b.com', 'c.com', 'd.com', 'e.com'].map((h) => rule(h, { path: '/', pathType: 'Prefix' })) })).obj;
    obj.metadata!.creationTimestamp = ago(60_000);
    obj.status = { loadBalancer: { ingress: [{ ip: '10.0.0.9' }, { hostname: 'lb.example.com' }] } };
    assert.deepEqual(ingresses.tableColumns.map((c) => c.name), ['Class', 'Hosts', 'Address', 'Ports', 'Age']);
    assert.deepEqual(cells(ingresses, obj, NOW), ['<none>', 'a.com,b.com,c.com + 2 more...', '10.0.0.9,lb.example.com', '80, 443', '60s']);
    assert.deepEqual(cells(ingresses, create(ingresses, ing({ ingressClassName: 'nginx', defaultBackend: backend })).obj, NOW).slice(0, 4), ['nginx', '*', '', '80']);
  });

  it('kubectl 1.32 create ingress produces valid objects', { skip: KUBECTL_132 ? false : 'kubectl.1.32 not installed' }, () => {
    for (const args of [
      ['ingress', 'simple', '--rule=foo.com/bar=svc1:8080,tls=my-cert'],
      ['ingress', 'catch', '--class=default', '--rule=/path=svc:port', '--rule=foo.com/*=svc2:http', '--default-backend=defsvc:80', '--annotation=a=b'],
    ]) {
      assert.deepEqual(create(ingresses, kubectlCreate(args) as Ingress).errs, [], args.join(' '));
    }
  });
});

describe('networking.k8s.io/v1 networkpolicies', () => {
  const np = (spec: Record<string, unknown>): NetworkPolicy => ({ metadata: { name: 'deny', namespace: 'default' }, spec });

  it('defaults: policyTypes from the rules, port protocol TCP', () => {
    assert.deepEqual(networkPolicies.info.shortNames, ['netpol']);
    assert.deepEqual(create(networkPolicies, np({ podSelector: {} })).obj.spec, { podSelector: {}, policyTypes: ['Ingress'] });
    const { obj, errs } = create(networkPolicies, np({ podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }));
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec, { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
  });

  it("validation with kube's messages", () => {
    const { errs } = create(
      networkPolicies,
      np({
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [
          {
            ports: [{ port: 80, endPort: 70 }, { port: 'http', endPort: 90 }, { protocol: 'ICMP' }],
            from: [{}, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '192.168.0.0/24', 'bad'] }, podSelector: {} }],
          },
        ],
        policyTypes: ['Ingress', 'Sideways'],
      }),
    );
    assert.deepEqual(errs, [
      'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
      'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[2].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].from[0]: Required value: must specify a peer',
      'spec.ingress[0].from[1].ipBlock.except[1]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`',
      'spec.ingress[0].from[1].ipBlock.except[2]: Invalid value: "bad": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
      'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]);
    const v6 = create(networkPolicies, np({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48', '2001:db9::/48'] } }] }] }));
    assert.deepEqual(v6.errs, ['spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "2001:db9::/48": must be a strict subset of `cidr`']);
  });

  it('table: Pod-Selector and Age', () => {
    const obj = create(networkPolicies, np({ podSelector: {} })).obj;
    obj.metadata!.creationTimestamp = ago(1000);
    assert.deepEqual(cells(networkPolicies, obj, NOW), ['<none>', '1s']);
    obj.spec!.podSelector = { matchLabels: { app: 'web' } };
    assert.deepEqual(cells(networkPolicies, obj, NOW), ['app=web', '1s']);
  });
});
