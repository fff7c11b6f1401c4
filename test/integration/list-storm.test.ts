/**
 * Issue 10's LIST storm, as behaviour: a server holding 5,000 ConfigMaps with a
 * small --max-requests-inflight, a storm of unpaged LISTs from another process,
 * and meanwhile /readyz and a small GET on fresh TLS connections. The storm is
 * partly shed with 429 and the probes are answered 200 while it is. Nothing
 * here measures time (bench/storm.ts does).
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, request } from '../helpers/https.js';
import { startListStorm } from '../helpers/list-storm.js';
import { Client } from './api-helpers.js';

const OBJECTS = 5000;
const NS = 'storm';

describe('a LIST storm', { timeout: 300_000 }, () => {
  let fd: Frontdoor;
  let admin: Client;

  before(async () => {
    // 20 seats: two unpaged LISTs of 5,000 (10 seats each) fill them. AlwaysAllow lets the storm be
    // anonymous: system:masters (the admin) are never refused, as in kube.
    fd = await startFrontdoor({ args: ['--max-requests-inflight', '20', '--authorization-mode', 'AlwaysAllow'] });
    admin = new Client(fd.port, fd.dataDir);
    await admin.waitForDefaultNamespace();
    assert.equal((await admin.post('/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 32, ...admin.creds });
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < OBJECTS) {
          const i = next++;
          const body = JSON.stringify({ metadata: { name: `cm-${i}` }, data: { value: 'x'.repeat(100) } });
          const r = await request(fd.port, `/api/v1/namespaces/${NS}/configmaps`, admin.creds, {
            method: 'POST',
            agent,
            body,
            headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
          });
          if (r.status !== 201) throw new Error(`create cm-${i}: ${r.status} ${r.body}`);
        }
      }),
    );
    agent.destroy();
  });

  after(async () => {
    await fd?.stop();
  });

  it('is shed with 429 while /readyz and a small GET on new connections answer 200', async () => {
    // The watch cache has caught up with the creates once a LIST from it holds them all.
    const fromCache = await admin.get(`/api/v1/namespaces/${NS}/configmaps?resourceVersion=0`);
    assert.equal((JSON.parse(fromCache.body) as { items: unknown[] }).items.length, OBJECTS);

    const anonymous = adminCreds(fd.dataDir, { anonymous: true });
    const storm = await startListStorm({ port: fd.port, ca: anonymous.ca, clients: 24, path: `/api/v1/namespaces/${NS}/configmaps` });
    let summary;
    const probes: { path: string; status: number }[] = [];
    try {
      await storm.until((p) => p.tooMany > 0 && p.ok > 0);
      for (let i = 0; i < 5; i++) {
        // A fresh connection (agent: false) each time: the TLS handshake must get through too.
        const ready = await request(fd.port, '/readyz', anonymous);
        probes.push({ path: '/readyz', status: ready.status });
        const get = await request(fd.port, `/api/v1/namespaces/${NS}/configmaps/cm-${i}`, admin.creds);
        probes.push({ path: `cm-${i}`, status: get.status });
      }
      const during = storm.progress();
      // Still shedding after the probes: they were answered while 429s were being returned.
      await storm.until((p) => p.tooMany > during.tooMany);
    } finally {
      summary = await storm.stop();
    }
    assert.deepEqual(
      probes.filter((p) => p.status !== 200),
      [],
      'every probe answered 200 during the storm',
    );
    assert.ok(summary.tooMany > 0, 'the storm was shed with 429');
    assert.ok(summary.ok > 0, 'and the admitted LISTs were served');
    assert.deepEqual(summary.samples, [], `nothing but 200 and 429: ${JSON.stringify(summary)}`);
  });
});
