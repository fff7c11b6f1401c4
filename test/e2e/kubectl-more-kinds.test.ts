import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, request } from '../helpers/https.js';
import { kubectl, type KubectlResult, kubectlUntilOk } from '../helpers/kubectl.js';

/** Issue 5's further kinds through kubectl 1.32's generators (protobuf bodies) and events in both groups. */
describe('kubectl create for the further built-in kinds', () => {
  let fd: Frontdoor;
  let k: (args: string[], stdin?: string) => Promise<KubectlResult>;
  const ok = (r: KubectlResult) => {
    assert.equal(r.code, 0, `kubectl failed: ${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    fd = await startFrontdoor();
    k = (args, stdin) => kubectl(fd.kubeconfig, args, { stdin });
    await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
  });
  after(async () => {
    await fd.stop();
  });

  it('create job|cronjob|quota|priorityclass|poddisruptionbudget|ingress', async () => {
    ok(await k(['create', 'job', 'once', '--image=busybox']));
    ok(await k(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *']));
    ok(await k(['create', 'quota', 'q', '--hard=pods=10,cpu=2']));
    ok(await k(['create', 'priorityclass', 'high', '--value=1000']));
    ok(await k(['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--min-available=1']));
    ok(await k(['create', 'ingress', 'web', '--rule=example.com/=web:80']));
    assert.equal(ok(await k(['get', 'job', 'once', '-o', 'jsonpath={.spec.backoffLimit}'])), '6');
    assert.equal(ok(await k(['get', 'cronjob', 'nightly', '-o', 'jsonpath={.spec.schedule}'])), '0 3 * * *');
    assert.equal(ok(await k(['get', 'quota', 'q', '-o', 'jsonpath={.spec.hard.pods}'])), '10');
    assert.equal(ok(await k(['get', 'pc', 'high', '-o', 'jsonpath={.value}'])), '1000');
    assert.equal(ok(await k(['get', 'pdb', 'pdb', '-o', 'jsonpath={.spec.minAvailable}'])), '1');
    assert.equal(ok(await k(['get', 'ing', 'web', '-o', 'jsonpath={.spec.rules[0].host}'])), 'example.com');
    const bad = await k(['create', 'cronjob', 'broken', '--image=busybox', '--schedule=not a schedule']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /CronJob\.batch "broken" is invalid: spec\.schedule/);
  });

  it('replicasets, statefulsets and daemonsets are stored and listed', async () => {
    const tpl = (kind: string, extra = '') => `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: w}\nspec:\n${extra}  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers: [{name: c, image: busybox}]\n`;
    ok(await k(['create', '-f', '-'], tpl('ReplicaSet')));
    ok(await k(['create', '-f', '-'], tpl('StatefulSet', '  serviceName: w\n')));
    ok(await k(['create', '-f', '-'], tpl('DaemonSet')));
    assert.equal(ok(await k(['get', 'rs,sts,ds', '-o', 'name'])).trim().split('\n').sort().join(' '), 'daemonset.apps/w replicaset.apps/w statefulset.apps/w');
    ok(await k(['scale', 'sts', 'w', '--replicas=3']));
    assert.equal(ok(await k(['get', 'sts', 'w', '-o', 'jsonpath={.spec.replicas}'])), '3');
  });

  it('apply --dry-run=server refuses a handlerless probe and a negative runAsUser as kube 1.32 does', async () => {
    const deploy =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: probe}\nspec:\n  selector: {matchLabels: {app: p}}\n  template:\n    metadata: {labels: {app: p}}\n' +
      '    spec:\n      containers: [{name: c, image: busybox, readinessProbe: {periodSeconds: 1}}]\n';
    const d = await k(['apply', '--dry-run=server', '-f', '-'], deploy);
    assert.notEqual(d.code, 0);
    assert.match(d.stderr, /The Deployment "probe" is invalid: spec\.template\.spec\.containers\[0\]\.readinessProbe: Required value: must specify a handler type/);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: uid}\nspec:\n  securityContext: {runAsUser: -1}\n  containers: [{name: c, image: busybox}]\n';
    const p = await k(['apply', '--dry-run=server', '-f', '-'], pod);
    assert.notEqual(p.code, 0);
    assert.match(p.stderr, /Pod "uid" is invalid: spec\.securityContext\.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive/);
  });

  it('a core v1 event is also an events.k8s.io/v1 event', async () => {
    ok(await k(['create', '-f', '-'], 'apiVersion: v1\nkind: Event\nmetadata: {name: e1}\ninvolvedObject: {kind: Pod, name: p, namespace: default}\nreason: Started\nmessage: hello\ntype: Normal\n'));
    const r = await request(fd.port, '/apis/events.k8s.io/v1/namespaces/default/events/e1', adminCreds(fd.dataDir));
    assert.equal(r.status, 200, r.body);
    const e = r.json<{ apiVersion: string; note: string; regarding: { name: string } }>();
    assert.equal(e.apiVersion, 'events.k8s.io/v1');
    assert.equal(e.note, 'hello');
    assert.equal(e.regarding.name, 'p');
  });
});
