import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCA, signClientCertificate } from '../../src/pki/sign.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request, type ClientCreds } from '../helpers/https.js';

interface Status {
  kind: string;
  apiVersion: string;
  status: string;
  reason: string;
  code: number;
  message: string;
}

const FIXTURE = 'test/fixtures/frontdoor-with-test-routes.ts';

describe('the chain, authentication and authorization', () => {
  let fd: Frontdoor;
  let admin: ClientCreds;
  before(async () => {
    fd = await startFrontdoor({ entry: FIXTURE, args: ['-v', '2'] });
    admin = adminCreds(fd.dataDir);
  });
  after(async () => {
    await fd.stop();
  });

  it('reaches a path owned by the CRD server through the aggregator and the core server', async () => {
    const r = await request(fd.port, '/apis/apiextensions.k8s.io/v1', admin);
    assert.equal(r.status, 200);
    const list = r.json<{ kind: string; groupVersion: string; resources: { name: string; kind: string; shortNames?: string[] }[] }>();
    assert.deepEqual([list.kind, list.groupVersion], ['APIResourceList', 'apiextensions.k8s.io/v1']);
    assert.deepEqual(
      list.resources.map((x) => [x.name, x.kind, x.shortNames]),
      [
        ['customresourcedefinitions', 'CustomResourceDefinition', ['crd', 'crds']],
        ['customresourcedefinitions/status', 'CustomResourceDefinition', undefined],
      ],
    );
  });

  it('reaches the core server through the aggregator', async () => {
    const r = await request(fd.port, '/api', admin);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json<{ versions: string[] }>().versions, ['v1']);
  });

  it('lists every server\'s groups in /apis', async () => {
    const r = await request(fd.port, '/apis', admin);
    const names = r.json<{ groups: { name: string }[] }>().groups.map((g) => g.name);
    for (const g of ['apiregistration.k8s.io', 'apps', 'apiextensions.k8s.io', 'rbac.authorization.k8s.io']) assert.ok(names.includes(g), `missing ${g}`);
    assert.equal(names[0], 'apiregistration.k8s.io', "kube's priority order puts apiregistration first");
  });

  it('answers an unowned path with a 404 Status naming it', async () => {
    for (const path of ['/apis/example.com/v1/widgets', '/no/such/path']) {
      const r = await request(fd.port, path, admin);
      assert.equal(r.status, 404);
      const s = r.json<Status>();
      assert.equal(s.kind, 'Status');
      assert.equal(s.apiVersion, 'v1');
      assert.equal(s.status, 'Failure');
      assert.equal(s.reason, 'NotFound');
      assert.equal(s.code, 404);
      assert.ok(s.message.includes(path), s.message);
    }
  });

  it('serves a request with no certificate as system:anonymous: 403 except on health and version', async () => {
    const anon = adminCreds(fd.dataDir, { anonymous: true });
    const r = await request(fd.port, '/api', anon);
    assert.equal(r.status, 403);
    assert.equal(r.json<Status>().reason, 'Forbidden');
    assert.equal(r.json<Status>().message, 'forbidden: User "system:anonymous" cannot get path "/api"');
    for (const path of ['/healthz', '/livez', '/readyz', '/version', '/readyz/ping', '/livez?verbose']) {
      const ok = await request(fd.port, path, anon);
      assert.equal(ok.status, 200, `${path}: ${ok.body}`);
    }
  });

  it('gives a client certificate from another CA 401', async () => {
    const foreign = createCA('someone-else');
    const cert = signClientCertificate({ caCertPem: foreign.certPem, caKeyPem: foreign.keyPem, commonName: 'admin', organizations: ['system:masters'] });
    const r = await request(fd.port, '/api', { ca: admin.ca, cert: cert.certPem, key: cert.keyPem });
    assert.equal(r.status, 401);
    assert.equal(r.json<Status>().reason, 'Unauthorized');
    // and a foreign certificate does not pass as anonymous on public paths either
    const h = await request(fd.port, '/healthz', { ca: admin.ca, cert: cert.certPem, key: cert.keyPem });
    assert.equal(h.status, 401);
  });

  it('gives a certificate outside system:masters 403 with kube\'s message', async () => {
    const pki = join(fd.dataDir, 'pki');
    const cert = signClientCertificate({
      caCertPem: await readFile(join(pki, 'client-ca.crt'), 'utf8'),
      caKeyPem: await readFile(join(pki, 'client-ca.key'), 'utf8'),
      commonName: 'jane',
      organizations: ['developers'],
    });
    const creds = { ca: admin.ca, cert: cert.certPem, key: cert.keyPem };
    const r = await request(fd.port, '/api/v1/namespaces/default/pods', creds);
    assert.equal(r.status, 403);
    const s = r.json<Status>();
    assert.equal(s.reason, 'Forbidden');
    assert.equal(s.message, 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"');
    const np = await request(fd.port, '/metrics', creds);
    assert.equal(np.status, 403);
    assert.equal(np.json<Status>().message, 'forbidden: User "jane" cannot get path "/metrics"');
    // RBAC's bootstrap system:discovery role lets every authenticated user read discovery.
    await eventually(() => request(fd.port, '/apis', creds), (x) => x.status === 200);
    assert.equal((await request(fd.port, '/healthz', creds)).status, 200);
  });

  it('echoes an Audit-Id, the client\'s own if it sent one', async () => {
    const r = await request(fd.port, '/version', admin);
    assert.match(String(r.headers['audit-id']), /^[0-9a-f-]{36}$/);
    const mine = await request(fd.port, '/version', admin, { headers: { 'Audit-ID': 'my-audit-id' } });
    assert.equal(mine.headers['audit-id'], 'my-audit-id');
  });

  it('turns a throwing handler into a 500 Status and keeps serving', async () => {
    for (const path of ['/debug/test/panic', '/debug/test/reject']) {
      const r = await request(fd.port, path, admin);
      assert.equal(r.status, 500);
      const s = r.json<Status>();
      assert.equal(s.kind, 'Status');
      assert.equal(s.reason, 'InternalError');
    }
    assert.ok(fd.logs.some((l) => l.message === 'request handler failed' && String(l.err).includes('deliberate failure')));
    assert.equal((await request(fd.port, '/readyz', admin)).body, 'ok');
  });

  it('logs one line per request at -v 2 with verb, path, code, latency and user', async () => {
    await request(fd.port, '/api/v1', admin);
    const line = await fd.waitForLog((l) => l.message === 'HTTP' && l.path === '/api/v1');
    assert.equal(line.verb, 'get');
    assert.equal(line.code, 200);
    assert.equal(line.user, 'admin');
    assert.match(String(line.latency), /^\d+\.\d+ms$/);
  });

  it('serves /readyz/<check> and ?exclude=', async () => {
    assert.equal((await request(fd.port, '/readyz/ping', admin)).body, 'ok');
    assert.equal((await request(fd.port, '/readyz/nope', admin)).status, 404);
    const r = await request(fd.port, '/readyz?verbose&exclude=log&exclude=nope', admin);
    assert.equal(r.status, 200);
    assert.match(r.body, /^\[\+\]log excluded: ok$/m);
    assert.match(r.body, /warn: some health checks cannot be excluded: no matches for "nope"/);
  });
});

describe('notFound before the routes are complete', () => {
  it('answers 503 with Retry-After until every server synced, then 404', async () => {
    const fd = await startFrontdoor({ entry: FIXTURE, args: ['--test-closed-gate'] });
    try {
      const admin = adminCreds(fd.dataDir);
      const r = await request(fd.port, '/apis/example.com/v1/widgets', admin);
      assert.equal(r.status, 503);
      assert.equal(r.headers['retry-after'], '5');
      const s = r.json<Status>();
      assert.equal(s.reason, 'ServiceUnavailable');
      assert.match(s.message, /before all known HTTP paths have been installed.*TestGate/);
      // owned paths are served meanwhile
      assert.equal((await request(fd.port, '/api', admin)).status, 200);
      process.kill(fd.pid, 'SIGUSR2');
      const after = await eventually(() => request(fd.port, '/apis/example.com/v1/widgets', admin), (x) => x.status !== 503);
      assert.equal(after.status, 404);
    } finally {
      await fd.stop();
    }
  });
});
