import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, makeInformer, type Informer, type ObjectCache, type V1ConfigMap } from '@kubernetes/client-node';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { startedClient, type Client } from './api-helpers.js';

type Seen = { type: 'add' | 'update' | 'delete'; name: string; data?: Record<string, string> };

/** @kubernetes/client-node's informer (list, then watch) against frontdoor over the real TLS. */
describe('@kubernetes/client-node informer', () => {
  let fd: Frontdoor;
  let c: Client;
  let informer: (Informer<V1ConfigMap> & ObjectCache<V1ConfigMap>) | undefined;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
  });
  after(async () => {
    await informer?.stop();
    await fd.stop();
  });

  it('sees add, update and delete of ConfigMaps', async () => {
    assert.equal((await c.post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'before' }, data: { a: '0' } })).status, 201);

    const kc = new KubeConfig();
    kc.loadFromFile(fd.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const seen: Seen[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => seen.push({ type: 'add', name: o.metadata!.name!, data: o.data }));
    informer.on('update', (o) => seen.push({ type: 'update', name: o.metadata!.name!, data: o.data }));
    informer.on('delete', (o) => seen.push({ type: 'delete', name: o.metadata!.name! }));
    informer.on('error', (err) => errors.push(err));

    const waitFor = async (pred: (s: Seen) => boolean, what: string) => {
      for (let i = 0; i < 150; i++) {
        if (seen.some(pred)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.fail(`informer did not see ${what}; saw ${JSON.stringify(seen)}; errors: ${errors.map(String).join('; ')}`);
    };

    await informer.start();
    // The initial list delivers what exists as adds.
    await waitFor((s) => s.type === 'add' && s.name === 'before', 'the existing ConfigMap');

    assert.equal((await c.post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'watched' }, data: { a: '1' } })).status, 201);
    await waitFor((s) => s.type === 'add' && s.name === 'watched', 'the add');

    const up = await c.patch('/api/v1/namespaces/default/configmaps/watched', 'merge', { data: { a: '2' } });
    assert.equal(up.status, 200, up.body);
    await waitFor((s) => s.type === 'update' && s.name === 'watched' && s.data?.a === '2', 'the update');

    assert.equal((await c.del('/api/v1/namespaces/default/configmaps/watched')).status, 200);
    await waitFor((s) => s.type === 'delete' && s.name === 'watched', 'the delete');

    // The cache follows: what is left is what the server has.
    assert.deepEqual(informer.list().map((o) => o.metadata!.name).sort(), ['before']);
    assert.deepEqual(errors, []);
  });
});
