import { registerAPIServiceAvailability } from '../observability/metrics/extension-metrics.js';
import { apiServices as apiServicesDefinition } from '../apis/apiregistration/v1/index.js';
import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import { ownedGroupRoutes, rootRoutes } from '../endpoints/discovery/owned-routes.js';
import { runLeaderOnly, type LeaderControllers } from '../controller/leaderelection/leader-controllers.js';
import type { Logger } from '../observability/logger.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { APIResources } from '../server/api-resources.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';
import type { Lifecycle } from '../server/lifecycle.js';
import type { Storage } from '../storage/interfaces.js';
import { APIServiceRegistrationController, type APIServiceRegistrationOptions } from './apiservice-registration.js';
import { AutoRegisterController, type LocalGroupVersion } from './autoregister.js';
import { AvailableConditionController } from './available-condition.js';
import { APIServiceBackendSet, type BackendsOptions } from './backends.js';
import { AggregatorInformers } from './informers.js';
import type { ResolvedEndpoint, ServiceReference } from './proxy/index.js';

const GROUP = 'apiregistration.k8s.io';

export interface AggregatorOptions {
  discovery: DiscoveryManager;
  logger: Logger;
  /** Where APIServices are stored; without it the aggregator serves discovery only. */
  storage?: Storage;
  lifecycle?: Lifecycle;
  minRequestTimeoutSeconds?: number;
  /** Every group-version served locally (built-ins `onstart`, CRDs `true`), for autoregistration. */
  localGroupVersions?: () => LocalGroupVersion[];
  /** Calls back when the local group-versions may have changed (a CRD came or went). */
  onLocalChange?: (callback: () => void) => void;
  /**
   * The proxy to APIService backends: where core/v1 Services and Endpoints and
   * discovery/v1 EndpointSlices are stored (the backends are found through
   * them), the client certificate it presents, the requestheader names it
   * scrubs. Without it service-backed APIServices are stored but neither
   * proxied nor checked.
   */
  proxy?: {
    servicesPrefix: string;
    endpointsPrefix: string;
    /** Default /discovery.k8s.io/endpointslices. */
    endpointSlicesPrefix?: string;
  } & Pick<BackendsOptions, 'proxyClientCert' | 'requestHeaders' | 'enableAggregatorRouting'>;
  /** Where backends' OpenAPI documents go (the chain's OpenAPI service). */
  onRemoteOpenAPI?: APIServiceRegistrationOptions['onRemoteOpenAPI'];
  /** The chain's once-per-cluster controllers (run while this replica holds the Lease); without it they run at once. */
  leaderControllers?: LeaderControllers;
}

export interface AggregatorServer extends GenericAPIServer {
  apiResources: APIResources;
  /**
   * A Service's endpoints as the proxy finds them (Service and Endpoints
   * caches, ExternalName as its name), for other servers' webhooks; absent
   * without `proxy`. Throws when the Service cannot be reached.
   */
  resolveService?: (ref: ServiceReference) => ResolvedEndpoint[];
  /** The caches its controllers and proxy share (one watch per resource); absent without storage. */
  aggregatorInformers?: AggregatorInformers;
}

/**
 * The outermost server (kube-aggregator): apiregistration.k8s.io APIServices,
 * the /api and /apis discovery documents of the whole chain, and the proxy to
 * the backends of service-backed APIServices, whose group-versions it claims
 * ahead of every server behind it. Its controllers run as post-start hooks:
 * registration (its routes are complete once every stored APIService is
 * registered: APIServiceRegistrationControllerInitiated), autoregistration of
 * the local group-versions, and the Available condition.
 */
export function createAggregatorServer(delegate: GenericAPIServer, opts: AggregatorOptions): AggregatorServer {
  const server = new GenericAPIServer('kube-aggregator', delegate) as AggregatorServer;
  const resources = new APIResources({
    storage: opts.storage,
    discovery: opts.discovery,
    lifecycle: opts.lifecycle,
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds,
    logger: opts.logger,
  });
  server.apiResources = resources;
  server.routes.use(rootRoutes(opts.discovery));
  server.addListedPaths('/api', '/apis', `/apis/${GROUP}`, `/apis/${GROUP}/v1`);
  let registered = false;
  server.addMuxCompleteSignal('APIServiceRegistrationControllerInitiated', () => registered);

  if (!opts.storage) {
    // Nothing to store APIServices in: the group is listed, empty, as before.
    opts.discovery.setGroupVersion({ group: GROUP, version: 'v1', resources: [] });
    server.routes.use(ownedGroupRoutes(opts.discovery, (g) => g === GROUP));
    server.addPostStartHook('apiservice-registration-controller', () => {
      registered = true;
    });
    return server;
  }
  const storage = opts.storage;
  const apiServices = resources.install(apiServicesDefinition as unknown as ResourceDefinition);
  resources.attach(server);

  // One list+watch per resource, whatever number of controllers read it.
  const informers = new AggregatorInformers({
    storage,
    apiServicesPrefix: apiServices.prefix,
    servicesPrefix: opts.proxy?.servicesPrefix,
    endpointsPrefix: opts.proxy?.endpointsPrefix,
    endpointSlicesPrefix: opts.proxy?.endpointSlicesPrefix,
    logger: opts.logger,
  });
  server.aggregatorInformers = informers;
  const isAvailable = (name: string) =>
    informers.apiServices.indexer.get(name)?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false;
  const backends =
    opts.proxy &&
    new APIServiceBackendSet({
      informers,
      proxyClientCert: opts.proxy.proxyClientCert,
      requestHeaders: opts.proxy.requestHeaders,
      enableAggregatorRouting: opts.proxy.enableAggregatorRouting,
      isAvailable,
      logger: opts.logger,
    });
  if (backends) server.resolveService = (ref) => backends.resolveService(ref);
  const registration = backends
    ? new APIServiceRegistrationController({
        informers,
        server,
        discovery: opts.discovery,
        backends,
        logger: opts.logger,
        onRemoteOpenAPI: opts.onRemoteOpenAPI,
      })
    : undefined;
  // The /apis/<group> documents of groups served by backends (their /apis/<group>/<version> are proxied).
  server.routes.use(ownedGroupRoutes(opts.discovery, (g) => registration?.remoteGroups().has(g) ?? false));
  server.addPostStartHook('apiservice-registration-controller', async ({ signal }) => {
    if (registration && backends) {
      await backends.start(signal);
      void registration.run(signal).catch((err: unknown) => opts.logger.error('APIService registration stopped', { err: String(err) }));
      await registration.waitForSync(signal);
    }
    registered = true;
  });

  if (opts.localGroupVersions) {
    const autoregister = new AutoRegisterController({ informers, apiServices, desired: opts.localGroupVersions, logger: opts.logger });
    opts.onLocalChange?.(() => autoregister.resync());
    server.addPostStartHook('kube-apiserver-autoregistration', ({ signal }) => {
      void autoregister.run(signal).catch((err: unknown) => opts.logger.error('autoregister controller stopped', { err: String(err) }));
    });
  }
  if (backends && opts.proxy) {
    // Every replica routes by the stored condition; only the leader probes and writes it (a new controller per term).
    const name = 'apiservice-status-available-controller';
    server.addPostStartHook(name, ({ signal }) => {
      // The shared caches live as long as the server, not as long as one term.
      informers.start(signal);
      const unregister = registerAPIServiceAvailability(() =>
        informers.apiServices.indexer.list().map((s) => ({ name: s.metadata?.name ?? '', available: isAvailable(s.metadata?.name ?? '') })),
      );
      signal.addEventListener('abort', unregister, { once: true });
      const run = (term: AbortSignal) =>
        new AvailableConditionController({ informers, apiServices, check: (s, checkSignal) => backends.check(s, checkSignal), logger: opts.logger }).run(term);
      runLeaderOnly(opts.leaderControllers, name, signal, run, opts.logger);
    });
  }
  return server;
}
