import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { kubectl, type KubectlResult, kubectlUntilOk } from '../helpers/kubectl.js';

/** kubectl 1.32 against a running frontdoor with its default validation on. */
describe('kubectl against frontdoor: the built-in API', () => {
  let fd: Frontdoor;
  let k: (args: string[], stdin?: string) => Promise<KubectlResult>;
  before(async () => {
    fd = await startFrontdoor();
    k = (args, stdin) => kubectl(fd.kubeconfig, args, { stdin });
    // the system namespaces exist once the post-start hook ran
    await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
  });
  after(async () => {
    await fd.stop();
  });

  const ok = (r: KubectlResult) => {
    assert.equal(r.code, 0, `kubectl failed: ${r.stderr}`);
    return r.stdout;
  };

  it('api-resources lists the built-in kinds with short names', async () => {
    const out = ok(await k(['api-resources', '--no-headers']));
    const rows = new Map(out.trim().split('\n').map((l) => [l.split(/\s+/)[0]!, l]));
    for (const [name, line] of [
      ['configmaps', /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/],
      ['namespaces', /^namespaces\s+ns\s+v1\s+false\s+Namespace$/],
      ['deployments', /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/],
      ['leases', /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/],
      ['clusterroles', /^clusterroles\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRole$/],
    ] as const) {
      assert.match(rows.get(name) ?? '', line, `row for ${name}: ${rows.get(name)}`);
    }
  });

  it('api-versions lists the served group-versions', async () => {
    const out = ok(await k(['api-versions'])).trim().split('\n');
    for (const gv of ['v1', 'apps/v1', 'coordination.k8s.io/v1', 'rbac.authorization.k8s.io/v1']) assert.ok(out.includes(gv), `missing ${gv}`);
  });

  it('system namespaces exist and cannot be deleted', async () => {
    const out = ok(await k(['get', 'ns', '-o', 'name']));
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(out.includes(`namespace/${ns}`));
    const r = await k(['delete', 'ns', 'kube-system']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "kube-system" is forbidden: this namespace may not be deleted/);
  });

  it('create configmap|secret|namespace|deployment|serviceaccount (protobuf bodies)', async () => {
    ok(await k(['create', 'configmap', 'gen-cm', '--from-literal=a=b']));
    ok(await k(['create', 'secret', 'generic', 'gen-secret', '--from-literal=password=s3cret']));
    ok(await k(['create', 'namespace', 'gen-ns']));
    ok(await k(['create', 'deployment', 'gen-deploy', '--image=nginx:1.27', '--replicas=2']));
    ok(await k(['create', 'serviceaccount', 'gen-sa']));
    assert.equal(ok(await k(['get', 'cm', 'gen-cm', '-o', 'jsonpath={.data.a}'])), 'b');
    assert.equal(Buffer.from(ok(await k(['get', 'secret', 'gen-secret', '-o', 'jsonpath={.data.password}'])), 'base64').toString(), 's3cret');
    assert.equal(ok(await k(['get', 'ns', 'gen-ns', '-o', 'jsonpath={.status.phase}'])), 'Active');
    assert.equal(
      ok(await k(['get', 'deploy', 'gen-deploy', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.generation}'])),
      '2 nginx:1.27 1',
    );
    assert.equal(ok(await k(['get', 'sa', 'gen-sa', '-o', 'name'])).trim(), 'serviceaccount/gen-sa');
  });

  it('create -f validates against OpenAPI and stores the object', async () => {
    ok(await k(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file\n  labels: {app: demo}\ndata:\n  a: "1"\n'));
    const cm = JSON.parse(ok(await k(['get', 'cm', 'from-file', '-o', 'json']))) as { data: Record<string, string>; metadata: Record<string, unknown> };
    assert.deepEqual(cm.data, { a: '1' });
    assert.match(String(cm.metadata.uid), /^[0-9a-f-]{36}$/);
    assert.match(String(cm.metadata.resourceVersion), /^\d+$/);
  });

  it('explain reads the OpenAPI schema', async () => {
    assert.match(ok(await k(['explain', 'configmap.data'])), /FIELD:\s+data <map\[string\]string>/);
    assert.match(ok(await k(['explain', 'deployment.spec.template'])), /FIELD:\s+template <PodTemplateSpec>/);
  });

  it('get in every output format', async () => {
    assert.match(ok(await k(['get', 'cm', 'from-file', '-o', 'yaml'])), /^kind: ConfigMap$/m);
    assert.equal(ok(await k(['get', 'cm', 'from-file', '-o', 'name'])).trim(), 'configmap/from-file');
    assert.equal(ok(await k(['get', 'cm', 'from-file', '-o', 'jsonpath={.data.a}'])), '1');
    assert.match(ok(await k(['get', 'cm', 'from-file'])), /^NAME\s+DATA\s+AGE\nfrom-file\s+1\s+\d+s\n$/);
    assert.match(ok(await k(['get', 'ns', 'default', '-o', 'wide'])), /^default\s+Active\s+/m);
  });

  it('label selectors, --show-labels and field selectors', async () => {
    ok(await k(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, labels: {app: other}}\n'));
    const out = ok(await k(['get', 'cm', '--show-labels', '-l', 'app=demo']));
    assert.match(out, /from-file\s+1\s+\S+\s+app=demo/);
    assert.doesNotMatch(out, /other/);
    assert.equal(ok(await k(['get', 'cm', '-l', 'app in (demo,other)', '-o', 'name'])).trim().split('\n').length, 2);
    assert.equal(ok(await k(['get', 'cm', '--field-selector', 'metadata.name=other', '-o', 'name'])).trim(), 'configmap/other');
    const bad = await k(['get', 'cm', '--field-selector', 'data.a=1']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /field label not supported: data\.a/);
  });

  it('--chunk-size 5 pages through 23 objects', async () => {
    ok(await k(['create', 'ns', 'paging'].slice(0, 0).concat(['create', '-f', '-']), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: paging}\n'));
    const docs = Array.from({ length: 23 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: page-${String(i).padStart(2, '0')}, namespace: paging}\n`).join('---\n');
    ok(await k(['create', '-f', '-'], docs));
    const out = ok(await k(['get', 'cm', '-n', 'paging', '--chunk-size', '5', '-o', 'name', '-v', '6']));
    assert.equal(out.trim().split('\n').length, 23);
  });

  it('label, annotate, patch --type json and merge, replace', async () => {
    ok(await k(['label', 'cm', 'from-file', 'tier=web']));
    ok(await k(['annotate', 'cm', 'from-file', 'note=hello']));
    ok(await k(['patch', 'cm', 'from-file', '--type', 'merge', '-p', '{"data":{"b":"2"}}']));
    ok(await k(['patch', 'cm', 'from-file', '--type', 'json', '-p', '[{"op":"add","path":"/data/c","value":"3"}]']));
    const cm = JSON.parse(ok(await k(['get', 'cm', 'from-file', '-o', 'json']))) as {
      data: Record<string, string>;
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    assert.deepEqual(cm.data, { a: '1', b: '2', c: '3' });
    assert.equal(cm.metadata.labels.tier, 'web');
    assert.equal(cm.metadata.annotations.note, 'hello');
    const replaced = JSON.stringify({ ...cm, data: { only: 'this' } });
    ok(await k(['replace', '-f', '-'], replaced));
    assert.equal(ok(await k(['get', 'cm', 'from-file', '-o', 'jsonpath={.data}'])), '{"only":"this"}');
    // a stale resourceVersion is kube's conflict
    const stale = await k(['replace', '-f', '-'], replaced);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /the object has been modified; please apply your changes to the latest version and try again/);
  });

  it('create --dry-run=server validates and stores nothing', async () => {
    ok(await k(['create', '--dry-run=server', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n'));
    const r = await k(['get', 'cm', 'dry']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /configmaps "dry" not found/);
    const invalid = await k(['create', '--dry-run=server', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_Valid}\n');
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.stderr, /ConfigMap "Not_Valid" is invalid: metadata\.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
  });

  it('get -w sees a change', async () => {
    const watch = kubectl(fd.kubeconfig, ['get', 'cm', 'from-file', '-w', '--output-watch-events', '--request-timeout=5s']);
    await new Promise((r) => setTimeout(r, 1000));
    ok(await k(['label', 'cm', 'from-file', 'seen=yes']));
    const out = (await watch).stdout;
    assert.match(out, /ADDED\s+from-file/);
    assert.match(out, /MODIFIED\s+from-file/);
  });

  it('delete with and without --wait', async () => {
    ok(await k(['delete', 'cm', 'other']));
    ok(await k(['delete', 'cm', 'from-file', '--wait=false']));
    assert.match((await k(['get', 'cm', 'other'])).stderr, /not found/);
  });

  it('delete namespace cascades, creating in it meanwhile is 403, and wait --for=delete ends', async () => {
    ok(await k(['create', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: doomed}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: doomed, finalizers: [example.com/hold]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: free, namespace: doomed}\n'));
    ok(await k(['delete', 'ns', 'doomed', '--wait=false']));
    // the held object keeps the namespace terminating
    for (let i = 0; i < 50; i++) {
      const phase = ok(await k(['get', 'ns', 'doomed', '-o', 'jsonpath={.status.phase}']));
      const free = await k(['get', 'cm', 'free', '-n', 'doomed']);
      if (phase === 'Terminating' && free.code !== 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(ok(await k(['get', 'ns', 'doomed', '-o', 'jsonpath={.status.phase}'])), 'Terminating');
    const refused = await k(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: doomed}\n');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /unable to create new content in namespace doomed because it is being terminated/);
    ok(await k(['patch', 'cm', 'held', '-n', 'doomed', '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']));
    ok(await k(['wait', '--for=delete', 'ns/doomed', '--timeout=30s']));
    assert.match((await k(['get', 'ns', 'doomed'])).stderr, /namespaces "doomed" not found/);
  });

  it('creating in a missing namespace is 404', async () => {
    const r = await k(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: missing}\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "missing" not found/);
  });

  it('scale a deployment through its scale subresource', async () => {
    ok(await k(['create', '-f', '-'], 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: nginx, image: nginx}]\n'));
    ok(await k(['scale', 'deploy', 'web', '--replicas=3']));
    assert.equal(ok(await k(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}/{.metadata.generation}'])), '3/2');
  });
});
