import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configMaps } from '../../src/apis/core/v1/configmaps.js';
import type { KubeObject } from '../../src/registry/object.js';
import type { ResourceDefinition } from '../../src/registry/resource-definition.js';
import type { Store } from '../../src/registry/store.js';
import { masterStore, sqliteBackend } from './tester.js';

/**
 * The conversion seam a webhook plugs into (issue 11; issue 13 adds the
 * webhook): a version served beside its storage version converts
 * asynchronously, a list in one batch (not one call per object), and a watch
 * event once for every watcher of the version.
 */
describe('async, batched conversion at the Store boundary', () => {
  const calls: { dir: 'to' | 'from'; n: number }[] = [];
  const later = <T>(v: T) => new Promise<T>((resolve) => setImmediate(() => resolve(v)));
  // A ConfigMap served as "v1beta1" of the same objects: the stored data key `x` reads as `y`.
  const def: ResourceDefinition = {
    ...(configMaps as unknown as ResourceDefinition),
    info: { ...(configMaps as unknown as ResourceDefinition).info, group: 'conv.example.com', version: 'v1beta1' },
    storagePrefix: '/conv/configmaps',
    conversion: {
      toStorage: async (obj) => {
        calls.push({ dir: 'to', n: 1 });
        const { y, ...rest } = (obj.data ?? {}) as Record<string, string>;
        return later({ ...obj, apiVersion: 'v1', data: { ...rest, ...(y !== undefined ? { x: y } : {}) } } as KubeObject);
      },
      fromStorage: async (objs) => {
        calls.push({ dir: 'from', n: objs.length });
        return later(
          objs.map((obj) => {
            const { x, ...rest } = (obj.data ?? {}) as Record<string, string>;
            return { ...obj, apiVersion: 'conv.example.com/v1beta1', data: { ...rest, ...(x !== undefined ? { y: x } : {}) } } as KubeObject;
          }),
        );
      },
    },
  };
  const backend = sqliteBackend();
  let opened: Awaited<ReturnType<typeof backend.open>>;
  let store: Store;
  let close: () => Promise<void>;
  before(async () => {
    opened = await backend.open();
    ({ store, close } = await masterStore(def)(opened.backend));
  });
  after(async () => {
    await close();
    await opened.close();
  });

  it('writes through toStorage and reads through fromStorage', async () => {
    const created = await store.create('conformance-a', { apiVersion: 'conv.example.com/v1beta1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { y: '1' } } as KubeObject);
    assert.deepEqual(created.data, { y: '1' });
    assert.equal(created.apiVersion, 'conv.example.com/v1beta1');
    assert.deepEqual((await store.get('conformance-a', 'a')).data, { y: '1' });
  });

  it('converts a list of many objects in one call', async () => {
    for (let i = 0; i < 20; i++) await store.create('conformance-a', { apiVersion: 'conv.example.com/v1beta1', kind: 'ConfigMap', metadata: { name: `m${i}` }, data: { y: String(i) } } as KubeObject);
    calls.length = 0;
    const list = await store.list('conformance-a', {});
    assert.equal(list.items.length, 21);
    assert.ok(list.items.every((o) => o.apiVersion === 'conv.example.com/v1beta1' && 'y' in (o.data as object)));
    assert.deepEqual(calls, [{ dir: 'from', n: 21 }]);
  });

  it('a conversion that returns the wrong number of objects is an internal error, not garbage', async () => {
    const broken: ResourceDefinition = { ...def, info: { ...def.info, version: 'v1beta2' }, conversion: { toStorage: (o) => o, fromStorage: async () => [] } };
    const fresh = await sqliteBackend().open();
    const b2 = await masterStore(broken)(fresh.backend);
    try {
      const is500 = (err: { status?: { code?: number } }) => err.status?.code === 500;
      await assert.rejects(b2.store.create('conformance-a', { apiVersion: 'conv.example.com/v1beta2', kind: 'ConfigMap', metadata: { name: 'b' } } as KubeObject), is500);
      await assert.rejects(b2.store.get('conformance-a', 'b'), is500);
      await assert.rejects(b2.store.list('conformance-a', {}), is500);
    } finally {
      await b2.close();
      await fresh.close();
    }
  });
});
