import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../../helpers/frontdoor.js';
import { kubectl, type KubectlResult, kubectlUntilOk } from '../../helpers/kubectl.js';

const WIRING = {};

const manifest = (name: string, spec: string, container: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
${spec}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: c
        image: nginx
${container}`;

const typo = (name: string) => manifest(name, '  replicass: 2\n', '        imagee: nginx:1.27\n');

/** kubectl 1.32's --validate modes against frontdoor: Strict (its default), Warn, Ignore. */
describe('kubectl --validate and fieldValidation', () => {
  let fd: Frontdoor;
  let dir: string;
  let k: (args: string[], stdin?: string) => Promise<KubectlResult>;
  before(async () => {
    fd = await startFrontdoor();
    dir = await mkdtemp(join(tmpdir(), 'fv-e2e-'));
    k = (args, stdin) => kubectl(fd.kubeconfig, args, { stdin });
    await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
  });
  after(async () => {
    await fd.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a clean manifest is created with no warning (control)', async () => {
    const r = await k(['create', '-f', '-'], manifest('clean', '  replicas: 1\n', ''));
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Warning/);
  });

  it('--validate=strict (the default) rejects a typo with kube\'s message', WIRING, async () => {
    const r = await k(['create', '-f', '-'], typo('strict'));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /Error from server \(BadRequest\): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.replicass", unknown field "spec\.template\.spec\.containers\[0\]\.imagee"/,
    );
    assert.notEqual((await k(['get', 'deploy', 'strict'])).code, 0, 'nothing was created');
  });

  it('--validate=warn creates it and prints one warning per unknown field', WIRING, async () => {
    const r = await k(['create', '--validate=warn', '-f', '-'], typo('warned'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: unknown field "spec\.replicass"/);
    assert.match(r.stderr, /Warning: unknown field "spec\.template\.spec\.containers\[0\]\.imagee"/);
  });

  it('--validate=false (Ignore) creates it silently', async () => {
    const r = await k(['create', '--validate=false', '-f', '-'], typo('ignored'));
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Warning/);
  });

  it('a duplicate key in a raw JSON body: 400 under Strict', WIRING, async () => {
    const file = join(dir, 'dup.json');
    await writeFile(file, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup2"},"data":{"a":"1"}}');
    const r = await k(['create', '--raw', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata\.name"/);
  });

  it('a value of the wrong type is a 400 in every mode', WIRING, async () => {
    const r = await k(['create', '--validate=false', '-f', '-'], manifest('typed', '  replicas: "two"\n', ''));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32/);
  });
});
