import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startEtcd } from '../helpers/etcd.js';
import { startFrontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request } from '../helpers/https.js';

describe('storage backends behind the server', () => {
  it('uses DATA_DIR/state.db with no flags, and reports it as the storage check', async () => {
    const fd = await startFrontdoor();
    try {
      assert.ok(existsSync(join(fd.dataDir, 'state.db')));
      const r = await request(fd.port, '/readyz/storage', adminCreds(fd.dataDir));
      assert.deepEqual([r.status, r.body], [200, 'ok']);
    } finally {
      await fd.stop();
    }
  });

  it('with --etcd-servers: /readyz fails on the etcd check while etcd is down and recovers by itself', async () => {
    const etcd = await startEtcd();
    const fd = await startFrontdoor({ args: ['--etcd-servers', etcd.endpoint] });
    try {
      const admin = adminCreds(fd.dataDir);
      assert.equal(existsSync(join(fd.dataDir, 'state.db')), false, 'no SQLite file when etcd is used');
      assert.deepEqual((await request(fd.port, '/readyz/etcd', admin)).body, 'ok');
      // fully ready (post-start hooks done) before etcd goes away
      await eventually(() => request(fd.port, '/readyz', admin), (r) => r.status === 200);
      await etcd.kill('SIGTERM');
      const down = await eventually(() => request(fd.port, '/readyz?verbose', admin), (r) => r.status !== 200);
      assert.equal(down.status, 500);
      assert.match(down.body, /^\[-\]etcd failed: reason withheld$/m);
      assert.equal((await request(fd.port, '/livez/ping', admin)).status, 200);
      await etcd.restart();
      const up = await eventually(() => request(fd.port, '/readyz', admin), (r) => r.status === 200, { tries: 200 });
      assert.equal(up.body, 'ok');
    } finally {
      await fd.stop();
      await etcd.stop();
    }
  });
});
