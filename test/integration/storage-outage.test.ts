/**
 * A storage outage tells the truth: with the server's etcd frozen (SIGSTOP) or
 * killed, a create answers 503 (or 504) with a Status, never 404 "namespace
 * not found"; /readyz fails while etcd is away; both recover when it returns.
 * The test stops its own etcd by pid. No timing asserts: bounded polling only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request, type ClientCreds, type Response } from '../helpers/https.js';

let etcd: EtcdServer;
let fd: Frontdoor;
let admin: ClientCreds;

before(async () => {
  etcd = await startEtcd();
  fd = await startFrontdoor({ args: ['--etcd-servers', etcd.endpoint] });
  admin = adminCreds(fd.dataDir);
  await eventually(() => request(fd.port, '/readyz', admin), (r) => r.status === 200, { tries: 300 });
});

after(async () => {
  await fd?.stop();
  await etcd?.stop();
});

let created = 0;
function createConfigMap(): Promise<Response> {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `outage-${++created}` }, data: { k: 'v' } });
  return request(fd.port, '/api/v1/namespaces/default/configmaps', admin, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  });
}

/** A Status for an unavailable backend: 503 ServiceUnavailable, or 504 for a timeout. Never 404. */
function assertOutageStatus(r: Response): void {
  assert.notEqual(r.status, 404, `an outage must not read as "not found": ${r.body}`);
  assert.ok(r.status === 503 || r.status === 504, `expected 503 or 504, got ${r.status}: ${r.body}`);
  const status = r.json<{ kind?: string; code?: number; reason?: string }>();
  assert.equal(status.kind, 'Status');
  assert.equal(status.code, r.status);
  assert.ok(status.reason === 'ServiceUnavailable' || status.reason === 'Timeout', `reason ${status.reason}`);
}

async function assertRecovers(): Promise<void> {
  await eventually(() => request(fd.port, '/readyz', admin), (r) => r.status === 200, { tries: 300 });
  const r = await eventually(createConfigMap, (res) => res.status === 201, { tries: 100 });
  assert.equal(r.status, 201, r.body);
}

describe('a storage outage behind the server', () => {
  it('with etcd frozen (SIGSTOP): creates answer 503/504, /readyz fails, and both recover after SIGCONT', async () => {
    assert.equal((await createConfigMap()).status, 201);
    await etcd.kill('SIGSTOP');
    try {
      assertOutageStatus(await createConfigMap());
      const ready = await eventually(() => request(fd.port, '/readyz?verbose', admin), (r) => r.status !== 200);
      assert.match(ready.body, /^\[-\]etcd failed/m);
      assert.equal((await request(fd.port, '/livez/ping', admin)).status, 200, 'the server itself still answers');
    } finally {
      await etcd.kill('SIGCONT');
    }
    await assertRecovers();
  });

  it('with etcd killed: creates answer 503/504 and the lookup failure is logged with its cause; all recover after a restart', async () => {
    await etcd.kill('SIGKILL');
    try {
      assertOutageStatus(await createConfigMap());
      assert.notEqual((await request(fd.port, '/readyz', admin)).status, 200);
      const logged = fd.logs.find((l) => l.message === 'namespace lookup failed');
      assert.ok(logged && (logged.level === 'warn' || logged.level === 'error'), 'the failed namespace lookup is logged');
      assert.match(String(logged.err), /unavailable/i);
    } finally {
      await etcd.restart();
    }
    await assertRecovers();
  });
});
