import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { kubectl, type KubectlResult, kubectlUntilOk } from '../helpers/kubectl.js';

const deployment = (opts: { sidecar: boolean; tier: boolean; replicas?: number }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web${opts.tier ? ', tier: front' : ''}}
spec:
  replicas: ${opts.replicas ?? 2}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}
${opts.sidecar ? '      - {name: sidecar, image: busybox}\n' : ''}`;

/** Issue 5 with kubectl 1.32: client-side apply (three-way strategic merge), strategic patch, strict validation, explain, scale. */
describe('kubectl apply, patch and validation', () => {
  let fd: Frontdoor;
  let k: (args: string[], stdin?: string) => Promise<KubectlResult>;
  const ok = (r: KubectlResult) => {
    assert.equal(r.code, 0, `kubectl failed: ${r.stderr}`);
    return r.stdout;
  };
  const jsonpath = async (kind: string, path: string) => ok(await k(['get', kind, '-o', `jsonpath=${path}`]));
  before(async () => {
    fd = await startFrontdoor();
    k = (args, stdin) => kubectl(fd.kubeconfig, args, { stdin });
    await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
  });
  after(async () => {
    await fd.stop();
  });

  it('apply creates, and applying again changes nothing (same resourceVersion)', async () => {
    assert.match(ok(await k(['apply', '-f', '-'], deployment({ sidecar: true, tier: true }))), /deployment\.apps\/web created/);
    const rv = await jsonpath('deploy/web', '{.metadata.resourceVersion}');
    assert.match(ok(await k(['apply', '-f', '-'], deployment({ sidecar: true, tier: true }))), /deployment\.apps\/web unchanged/);
    assert.equal(await jsonpath('deploy/web', '{.metadata.resourceVersion}'), rv);
    assert.match(await jsonpath('deploy/web', '{.metadata.annotations}'), /kubectl\.kubernetes\.io\/last-applied-configuration/);
  });

  it('apply with a list element removed removes it; with a field removed removes it', async () => {
    ok(await k(['apply', '-f', '-'], deployment({ sidecar: false, tier: false, replicas: 3 })));
    assert.equal(await jsonpath('deploy/web', '{.spec.template.spec.containers[*].name}'), 'nginx');
    assert.equal(await jsonpath('deploy/web', '{.metadata.labels}'), '{"app":"web"}');
    assert.equal(await jsonpath('deploy/web', '{.spec.replicas}'), '3');
  });

  it('patch uses a strategic merge by default: containers merge by name', async () => {
    ok(await k(['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}']));
    assert.equal(await jsonpath('deploy/web', '{.spec.template.spec.containers[0].image}'), 'nginx:1.28');
    assert.equal(await jsonpath('deploy/web', '{.spec.template.spec.containers[0].ports[0].containerPort}'), '80', 'the patch kept the ports');
  });

  it('--validate=strict (the default) rejects a typo in a field name with kube\'s message', async () => {
    const r = await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo}\ndataa: {a: b}\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dataa"/);
    const warn = await k(['create', '--validate=warn', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo}\ndataa: {a: b}\n');
    assert.equal(warn.code, 0, warn.stderr);
    assert.match(warn.stderr, /unknown field "dataa"/);
  });

  it('explain deployment.spec.template --recursive', async () => {
    const out = ok(await k(['explain', 'deployment.spec.template', '--recursive']));
    assert.match(out, /FIELD:\s+template <PodTemplateSpec>/);
    assert.match(out, /^\s+containers\s+<\[\]Container> -required-$/m);
  });

  it('scale', async () => {
    ok(await k(['scale', 'deploy', 'web', '--replicas=5']));
    assert.equal(await jsonpath('deploy/web', '{.spec.replicas}'), '5');
  });
});
