import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, request } from '../helpers/https.js';
import { kubectl, kubectlUntilOk } from '../helpers/kubectl.js';

const PKI_FILES = [
  'ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'client-ca.crt', 'client-ca.key', 'admin.crt', 'admin.key',
  'front-proxy-ca.crt', 'front-proxy-ca.key', 'front-proxy-client.crt', 'front-proxy-client.key',
];

describe('zero-config start: generated PKI, admin kubeconfig, kubectl', () => {
  let fd: Frontdoor;
  before(async () => {
    fd = await startFrontdoor();
  });
  after(async () => {
    await fd.stop();
  });

  it('generates the PKI with private keys at mode 0600', async () => {
    for (const f of PKI_FILES) {
      const mode = (await stat(join(fd.dataDir, 'pki', f))).mode & 0o777;
      assert.equal(mode, f.endsWith('.key') ? 0o600 : 0o644, `${f} has mode ${mode.toString(8)}`);
    }
  });

  it('writes admin.kubeconfig with the real port and logs how to use it', async () => {
    const text = await readFile(fd.kubeconfig, 'utf8');
    const cfg = parse(text) as { clusters: { cluster: { server: string } }[] };
    assert.equal(cfg.clusters[0]!.cluster.server, `https://127.0.0.1:${fd.port}`);
    assert.equal((await stat(fd.kubeconfig)).mode & 0o777, 0o600);
    assert.ok(fd.logs.some((l) => l.message === `ready to use: export KUBECONFIG=${fd.kubeconfig}`));
  });

  it('kubectl version reports the Kubernetes version with frontdoor as build metadata', async () => {
    const r = await kubectl(fd.kubeconfig, ['version', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout) as { serverVersion: { gitVersion: string; major: string; minor: string } };
    assert.match(v.serverVersion.gitVersion, /^v1\.32\.0\+frontdoor\.\d+\.\d+\.\d+$/);
    assert.equal(v.serverVersion.major, '1');
    assert.equal(v.serverVersion.minor, '32');
  });

  it("kubectl get --raw '/readyz?verbose' lists every named check", async () => {
    const r = await kubectlUntilOk(fd.kubeconfig, ['get', '--raw', '/readyz?verbose'], 51);
    assert.equal(r.code, 0, r.stderr);
    for (const check of ['ping', 'log', 'storage', 'shutdown', 'poststarthook/crd-informer-synced', 'poststarthook/apiservice-registration-controller']) {
      assert.match(r.stdout, new RegExp(`^\\[\\+\\]${check} ok$`, 'm'));
    }
    assert.match(r.stdout, /readyz check passed/);
  });

  it('kubectl get --raw /version answers kube\'s shape', async () => {
    const r = await kubectl(fd.kubeconfig, ['get', '--raw', '/version']);
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout) as Record<string, string>;
    for (const k of ['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']) {
      assert.ok(k in v, `missing ${k}`);
    }
  });

  it('serves / as the list of paths', async () => {
    const r = await request(fd.port, '/', adminCreds(fd.dataDir));
    const { paths } = r.json<{ paths: string[] }>();
    for (const p of ['/api', '/api/v1', '/apis', '/apis/apiextensions.k8s.io', '/healthz', '/livez', '/readyz', '/readyz/ping', '/version']) {
      assert.ok(paths.includes(p), `missing ${p}`);
    }
    assert.deepEqual(paths, [...paths].sort());
  });
});

describe('restart', () => {
  it('reuses the PKI and rewrites the kubeconfig with the new port', async () => {
    const first = await startFrontdoor();
    const before = new Map<string, string>();
    for (const f of PKI_FILES) before.set(f, await readFile(join(first.dataDir, 'pki', f), 'utf8'));
    await first.stop({ keepDataDir: true });
    const second = await startFrontdoor({ dataDir: first.dataDir });
    try {
      for (const f of PKI_FILES) assert.equal(await readFile(join(first.dataDir, 'pki', f), 'utf8'), before.get(f), `${f} changed`);
      assert.ok(!second.logs.some((l) => l.message === 'generated certificates'), 'nothing should be generated on restart');
      const r = await kubectlUntilOk(second.kubeconfig, ['get', '--raw', '/readyz'], 51);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'ok');
    } finally {
      await second.stop();
      const { rm } = await import('node:fs/promises');
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });
});
