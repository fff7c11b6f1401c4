import assert from 'node:assert/strict';
import https from 'node:https';
import { describe, it } from 'node:test';
import { startFrontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request } from '../helpers/https.js';

const FIXTURE = 'test/fixtures/frontdoor-with-test-routes.ts';

describe('SIGTERM', () => {
  it('fails /readyz first, lets in-flight requests finish, refuses new ones with 503, exits 0', async () => {
    const fd = await startFrontdoor({ entry: FIXTURE, args: ['--shutdown-delay-duration', '1s'] });
    const admin = adminCreds(fd.dataDir);
    const keepAlive = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      assert.equal((await request(fd.port, '/version', admin, { agent: keepAlive })).status, 200);
      const slow = request(fd.port, '/debug/test/slow?ms=3000', admin);
      await fd.waitForLog(() => true); // the process is up and logging
      // the slow request must be in flight before the signal
      await new Promise((r) => setTimeout(r, 200));
      process.kill(fd.pid, 'SIGTERM');

      const readyz = await eventually(() => request(fd.port, '/readyz', admin), (r) => r.status !== 200);
      assert.equal(readyz.status, 500);
      assert.match(readyz.body, /^\[-\]shutdown failed: reason withheld$/m);
      assert.equal((await request(fd.port, '/livez', admin)).status, 200, 'livez stays healthy while draining');

      const refused = await eventually(
        () => request(fd.port, '/version', admin, { agent: keepAlive }),
        (r) => r.status !== 200,
      );
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '5');
      assert.equal(refused.json<{ reason: string }>().reason, 'ServiceUnavailable');

      const done = await slow;
      assert.equal(done.status, 200, 'the in-flight request finished');
      assert.deepEqual(done.json(), { slept: 3000 });
      assert.equal(await fd.exited, 0);
    } finally {
      keepAlive.destroy();
      await fd.stop();
    }
  });

  it('exits at once on a second SIGTERM', async () => {
    const fd = await startFrontdoor({ args: ['--shutdown-delay-duration', '10m'] });
    try {
      process.kill(fd.pid, 'SIGTERM');
      await fd.waitForLog((l) => l.message.startsWith('shutdown initiated'));
      process.kill(fd.pid, 'SIGTERM');
      assert.equal(await fd.exited, 1);
      assert.ok(fd.logs.some((l) => l.message === 'second signal: exiting at once'));
    } finally {
      await fd.stop();
    }
  });
});
