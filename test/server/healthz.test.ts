import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { informerSyncCheck, installHealthz, pingCheck, type HealthChecker } from '../../src/server/healthz.js';

describe('installHealthz', () => {
  let failing = false;
  const checks: HealthChecker[] = [
    pingCheck,
    { name: 'etcd', check: () => { if (failing) throw new Error('etcd is down'); } },
    { name: 'poststarthook/start-things', check: async () => undefined },
  ];
  let server: http.Server;
  let base = '';
  before(async () => {
    const router = express.Router();
    installHealthz(router, 'readyz', () => checks);
    const app = express();
    app.use(router);
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const get = async (path: string) => {
    const r = await fetch(base + path);
    return { status: r.status, body: await r.text() };
  };

  it('answers ok, or the verbose list', async () => {
    failing = false;
    assert.deepEqual(await get('/readyz'), { status: 200, body: 'ok' });
    assert.deepEqual(await get('/readyz?verbose'), {
      status: 200,
      body: '[+]ping ok\n[+]etcd ok\n[+]poststarthook/start-things ok\nreadyz check passed\n',
    });
  });

  it('fails with every check listed and the reason withheld; the single check tells it', async () => {
    failing = true;
    assert.deepEqual(await get('/readyz'), {
      status: 500,
      body: '[+]ping ok\n[-]etcd failed: reason withheld\n[+]poststarthook/start-things ok\nreadyz check failed\n',
    });
    assert.deepEqual(await get('/readyz/etcd'), { status: 500, body: 'internal server error: etcd is down\n' });
    assert.deepEqual(await get('/readyz/poststarthook/start-things'), { status: 200, body: 'ok' });
    assert.equal((await get('/readyz?exclude=etcd')).status, 200);
    failing = false;
  });

  it('reports excludes that match nothing', async () => {
    const r = await get('/readyz?verbose&exclude=nope');
    assert.match(r.body, /warn: some health checks cannot be excluded: no matches for "nope"\n/);
  });
});

describe('informerSyncCheck', () => {
  it('fails naming the watch caches that are not synced, and passes once none is left', async () => {
    let pending = ['/pods', '/configmaps'];
    const check = informerSyncCheck(() => pending);
    assert.equal(check.name, 'informer-sync');
    assert.throws(() => check.check(), /2 watch cache\(s\) not synced: \/pods, \/configmaps/);
    pending = [];
    assert.equal(await check.check(), undefined);
  });
});
