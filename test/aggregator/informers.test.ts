import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { createAggregatorServer } from '../../src/aggregator/aggregator-server.js';
import { AvailableConditionController, type Availability } from '../../src/aggregator/available-condition.js';
import { AggregatorInformers } from '../../src/aggregator/informers.js';
import { apiServices as apiServicesDefinition } from '../../src/apis/apiregistration/v1/index.js';
import { DiscoveryManager } from '../../src/endpoints/discovery/index.js';
import { discardLogger } from '../../src/observability/logger.js';
import type { ResourceDefinition } from '../../src/registry/resource-definition.js';
import { APIResources } from '../../src/server/api-resources.js';
import { GenericAPIServer } from '../../src/server/generic-apiserver.js';
import type { Storage, StoredObject } from '../../src/storage/interfaces.js';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { makeTempDir } from '../helpers/tmp.js';

const PREFIXES = { services: '/services/specs', endpoints: '/services/endpoints', endpointSlices: '/discovery.k8s.io/endpointslices' };

/**
 * The storage, with every informer watch it is asked for counted by key. A
 * Store's watch cache (its reflector asks for bookmarks; informers do not)
 * is not counted: it is the Store's, one per resource already.
 */
function countingWatches(storage: Storage): { storage: Storage; watches: Map<string, number> } {
  const watches = new Map<string, number>();
  const counted: Storage = Object.create(storage) as Storage;
  counted.watch = (key, opts) => {
    if (!opts?.bookmarks) watches.set(key, (watches.get(key) ?? 0) + 1);
    return storage.watch(key, opts);
  };
  return { storage: counted, watches };
}

/** Resolves after `n` turns of the event loop's I/O phase: lets list+watch start without a clock. */
const settle = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** A fresh SQLite database and a stop signal for one test, both gone when it ends. */
async function fixture(t: TestContext): Promise<{ backend: SqliteStorage; signal: AbortSignal; watchCaches: APIResources[] }> {
  const dir = await makeTempDir('frontdoor-agg-informers-');
  const backend = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
  const stop = new AbortController();
  const watchCaches: APIResources[] = [];
  t.after(async () => {
    stop.abort();
    for (const resources of watchCaches) await resources.stop();
    await backend.close();
    await dir.remove();
  });
  return { backend, signal: stop.signal, watchCaches };
}

describe('the aggregator\'s shared informers', () => {
  it('run one watch per resource for every controller and the proxy together', async (t) => {
    const { backend, signal, watchCaches } = await fixture(t);
    const { storage, watches } = countingWatches(backend);
    const server = createAggregatorServer(new GenericAPIServer('delegate'), {
      discovery: new DiscoveryManager({ serverAddress: () => '127.0.0.1:6443' }),
      logger: discardLogger,
      storage,
      localGroupVersions: () => [{ group: 'apps', version: 'v1', managed: 'onstart' }],
      proxy: { servicesPrefix: PREFIXES.services, endpointsPrefix: PREFIXES.endpoints, endpointSlicesPrefix: PREFIXES.endpointSlices },
    });
    watchCaches.push(server.apiResources);
    // Registration, autoregistration and availability: the three that each used to run their own.
    const hooks = server.postStartHooks();
    assert.deepEqual([...hooks.keys()].sort(), ['apiservice-registration-controller', 'apiservice-status-available-controller', 'kube-apiserver-autoregistration']);
    for (const hook of hooks.values()) await hook({ signal });
    const informers = server.aggregatorInformers!;
    await informers.apiServices.waitForSync(signal);
    await informers.waitForServiceSync(signal);
    await settle();
    const apiServicesPrefix = server.apiResources.installer.store('apiregistration.k8s.io', 'v1', 'apiservices')!.prefix;
    assert.deepEqual(
      Object.fromEntries([...watches].sort(([a], [b]) => a.localeCompare(b))),
      Object.fromEntries(
        [`${apiServicesPrefix}/`, `${PREFIXES.services}/`, `${PREFIXES.endpoints}/`, `${PREFIXES.endpointSlices}/`].sort().map((k) => [k, 1]),
      ),
    );
    // The autoregistration wrote through its Store; the one APIService cache saw it.
    await new Promise<void>((resolve) => {
      const check = () => (informers.apiServices.indexer.get('v1.apps') ? resolve() : setImmediate(check));
      check();
    });
  });

  it('the availability controller checks an APIService again when an EndpointSlice labelled for its Service changes', async (t) => {
    const { backend, signal, watchCaches } = await fixture(t);
    const resources = new APIResources({ storage: backend, discovery: new DiscoveryManager({ serverAddress: () => '' }), logger: discardLogger });
    watchCaches.push(resources);
    const apiServices = resources.install(apiServicesDefinition as unknown as ResourceDefinition);
    const informers = new AggregatorInformers({
      storage: backend,
      apiServicesPrefix: apiServices.prefix,
      servicesPrefix: '/other/services',
      endpointsPrefix: '/other/endpoints',
      endpointSlicesPrefix: '/other/endpointslices',
      logger: discardLogger,
    });
    // Available exactly when a slice names the Service: the answer changes only through the slice cache.
    const controller = new AvailableConditionController({
      informers,
      apiServices,
      // Never resyncs by the clock here: a new answer after the slice is written is the slice event's doing.
      resyncMs: 2 ** 30,
      check: async (): Promise<Availability> =>
        informers.slicesOf('ns1', 'api').length > 0
          ? { status: 'True', reason: 'Passed', message: 'all checks passed' }
          : { status: 'False', reason: 'MissingEndpoints', message: 'no slices' },
      logger: discardLogger,
    });
    const name = 'v1.slices.example.io';
    const reasonIs = (reason: string) =>
      new Promise<void>((resolve) => {
        const poll = () =>
          informers.apiServices.indexer.get(name)?.status?.conditions?.some((c) => c.type === 'Available' && c.reason === reason) ? resolve() : setImmediate(poll);
        poll();
      });
    await apiServices.create('', {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name },
      spec: { group: 'slices.example.io', version: 'v1', service: { namespace: 'ns1', name: 'api', port: 443 }, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 10 },
    } as StoredObject as never);
    void controller.run(signal);
    await reasonIs('MissingEndpoints');
    const mine: StoredObject = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'api-1', namespace: 'ns1', labels: { 'kubernetes.io/service-name': 'api' } } };
    await backend.create('/other/endpointslices/ns1/api-1', mine);
    await reasonIs('Passed');
    await backend.delete('/other/endpointslices/ns1/api-1');
    await reasonIs('MissingEndpoints');
  });
});
