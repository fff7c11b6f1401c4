import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newServiceUnavailable, StatusError } from '../../src/apimachinery/status-error.js';
import { namespaceLifecycle } from '../../src/master/namespace-lifecycle.js';

const configmaps = { group: '', resource: 'configmaps', namespaced: true };
const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } };

test('a missing namespace is 404 NotFound', async () => {
  const admit = namespaceLifecycle(configmaps, async () => undefined);
  await assert.rejects(admit('create', cm, 'default'), (err: unknown) => err instanceof StatusError && err.status.code === 404);
});

test('a failed lookup is the answer (503), not "namespace not found"', async () => {
  const outage = newServiceUnavailable('storage is unavailable: etcd is unavailable', 1);
  const admit = namespaceLifecycle(configmaps, async () => {
    throw outage;
  });
  await assert.rejects(admit('create', cm, 'default'), (err: unknown) => err === outage);
});

test('an existing namespace admits the create', async () => {
  const admit = namespaceLifecycle(configmaps, async (name) => ({ metadata: { name } }));
  await admit('create', cm, 'default');
});
