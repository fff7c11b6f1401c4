import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFrontdoor } from '../helpers/frontdoor.js';
import { adminCreds, request } from '../helpers/https.js';
import { kubectl } from '../helpers/kubectl.js';

describe('--runtime-config', () => {
  it('removes a disabled group-version from routes, discovery and OpenAPI', async () => {
    const fd = await startFrontdoor({ args: ['--runtime-config', 'apps/v1=false,coordination.k8s.io/v1/leases=false'] });
    try {
      const admin = adminCreds(fd.dataDir);
      const rows = (await kubectl(fd.kubeconfig, ['api-resources', '--no-headers', '-o', 'name'])).stdout.trim().split('\n');
      assert.ok(rows.includes('configmaps'));
      assert.ok(!rows.some((r) => r.startsWith('deployments')), 'deployments should be gone');
      assert.ok(!rows.some((r) => r.startsWith('leases')), 'leases should be gone');
      assert.equal((await request(fd.port, '/apis/apps/v1/namespaces/default/deployments', admin)).status, 404);
      assert.equal((await request(fd.port, '/apis/apps/v1', admin)).status, 404);
      const index = (await request(fd.port, '/openapi/v3', admin)).json<{ paths: Record<string, unknown> }>();
      assert.ok(!('apis/apps/v1' in index.paths));
      assert.ok('api/v1' in index.paths);
    } finally {
      await fd.stop();
    }
  });
});
