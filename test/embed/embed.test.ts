import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Watch,
  type KubeConfig,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { startServer, type EmbeddedServer } from '../../src/index.js';

/** Polls until check() passes or the deadline; the last failure is the error. */
async function eventually(check: () => Promise<void> | void, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const configMap = (name: string, namespace: string): V1ConfigMap => ({ metadata: { name, namespace }, data: { k: name } });

/** Opens a client-node watch of a namespace's ConfigMaps from a resourceVersion; events land in `seen`. */
async function watchConfigMaps(kc: KubeConfig, namespace: string, resourceVersion: string, seen: { type: string; name?: string }[], ended: { done: boolean }) {
  return new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/configmaps`,
    { resourceVersion, allowWatchBookmarks: false },
    (type: string, obj: V1ConfigMap) => seen.push({ type, name: obj.metadata?.name }),
    () => (ended.done = true),
  );
}

describe('startServer through @kubernetes/client-node', { timeout: 120_000 }, () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.stop());

  it('serves at once: namespace, configmap, list and a watch event', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.kubeconfig, /client-certificate-data/);
    const core = server.kubeConfig.makeApiClient(CoreV1Api);
    // Ready means usable: no retry before the first request.
    await core.createNamespace({ body: { metadata: { name: 'embed' } } });
    await core.createNamespacedConfigMap({ namespace: 'embed', body: configMap('one', 'embed') });
    const list = await core.listNamespacedConfigMap({ namespace: 'embed' });
    assert.deepEqual(list.items.map((c) => c.metadata?.name), ['one']);
    assert.equal(list.items[0]!.data?.k, 'one');

    const seen: { type: string; name?: string }[] = [];
    const ended = { done: false };
    const watch = await watchConfigMaps(server.kubeConfig, 'embed', list.metadata!.resourceVersion!, seen, ended);
    try {
      await core.createNamespacedConfigMap({ namespace: 'embed', body: configMap('two', 'embed') });
      await eventually(() => assert.deepEqual(seen, [{ type: 'ADDED', name: 'two' }]));
    } finally {
      watch.abort();
    }
  });

  it('serves a custom resource of a CRD it was given', async () => {
    const crd: V1CustomResourceDefinition = {
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [{
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
        }],
      },
    };
    await server.kubeConfig.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd });
    const custom = server.kubeConfig.makeApiClient(CustomObjectsApi);
    const gadget = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'default' }, spec: { size: 3, unknown: 1 } };
    await custom.createNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'gadgets', body: gadget });
    const got = (await custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'gadgets', name: 'g1' })) as { spec: unknown; metadata: { uid?: string } };
    // Pruned by the schema: the CRD server, not an echo.
    assert.deepEqual(got.spec, { size: 3 });
    assert.ok(got.metadata.uid);
  });

  it('keeps objects only in memory: a second server starts empty', async () => {
    const other = await startServer();
    try {
      assert.notEqual(other.port, server.port);
      const namespaces = await other.kubeConfig.makeApiClient(CoreV1Api).listNamespace();
      assert.ok(!namespaces.items.some((n) => n.metadata?.name === 'embed'));
    } finally {
      await other.stop();
    }
  });
});

// The heap check needs gc(); the flag is set here so the file needs no node option.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const handles = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
const fds = () => readdirSync('/proc/self/fd').length;
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const tally = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

/** One server's life as a test would live it: requests, an open watch, then stop() with the watch still open. */
async function useAndStop(): Promise<void> {
  const s = await startServer();
  const core = s.kubeConfig.makeApiClient(CoreV1Api);
  const created = await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('c', 'default') });
  const seen: { type: string; name?: string }[] = [];
  const ended = { done: false };
  await watchConfigMaps(s.kubeConfig, 'default', created.metadata!.resourceVersion!, seen, ended);
  await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('d', 'default') });
  await eventually(() => assert.equal(seen.length, 1));
  await s.stop();
  // stop() ended the watch from the server's side.
  await eventually(() => assert.ok(ended.done, 'the watch did not end at stop()'));
}

describe('starting and stopping 20 servers in one process', { timeout: 300_000 }, () => {
  it('leaks no handles, no file descriptors and no heap', async (t) => {
    // The first servers load modules, fill the process's PKI cache and warm V8's code caches:
    // the baseline is taken after them (the heap plateaus after a few).
    for (let i = 0; i < 5; i++) await useAndStop();
    // One server's share of the heap, averaged over five running at once (one alone is within the noise).
    const idleHeap = heapMiB();
    const five = await Promise.all(Array.from({ length: 5 }, () => startServer()));
    const oneServerHeap = (heapMiB() - idleHeap) / five.length;
    await Promise.all(five.map((s) => s.stop()));

    let baseHandles: string[] = [];
    let baseFds = 0;
    // Sockets close asynchronously: the baseline is what stays.
    await eventually(() => {
      baseHandles = handles();
      baseFds = fds();
      assert.deepEqual(tally(handles()), tally(baseHandles));
    });
    const baseHeap = heapMiB();

    for (let i = 0; i < 20; i++) await useAndStop();

    await eventually(() => assert.deepEqual(tally(handles()), tally(baseHandles), 'active handles differ from the baseline'));
    await eventually(() => assert.ok(fds() <= baseFds, `${fds()} open file descriptors, ${baseFds} before`));
    // A leaked server would keep its heap: 20 of them would add 20 times one server's share.
    // Allowed: a quarter of that (V8 and module caches still settle a little).
    const grown = heapMiB() - baseHeap;
    t.diagnostic(`handles ${baseHandles.length}, fds ${baseFds} -> ${fds()}, heap +${grown.toFixed(1)} MiB after 20 servers, one running server ${oneServerHeap.toFixed(1)} MiB`);
    assert.ok(oneServerHeap > 0, `one running server added ${oneServerHeap.toFixed(1)} MiB of heap`);
    assert.ok(grown < (20 * oneServerHeap) / 4, `heap grew ${grown.toFixed(1)} MiB over 20 servers; one running server holds ${oneServerHeap.toFixed(1)} MiB`);
  });
});
