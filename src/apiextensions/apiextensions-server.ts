import type { RequestHandler } from 'express';
import { runLeaderOnly, type LeaderControllers } from '../controller/leaderelection/leader-controllers.js';
import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import { requestInfoFrom } from '../endpoints/request/context.js';
import type { RequestInfo } from '../endpoints/request/request-info.js';
import { namespaceLifecycle } from '../master/namespace-lifecycle.js';
import { discardLogger, type Logger } from '../observability/logger.js';
import type { KubeObject } from '../registry/object.js';
import { APIResources } from '../server/api-resources.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';
import type { Lifecycle } from '../server/lifecycle.js';
import type { Storage } from '../storage/interfaces.js';
import { warningHeaderValues } from '../endpoints/field-validation/index.js';
import type { ResolveService } from './conversion/client.js';
import { CRDController } from './controllers/crd-controller.js';
import { CRDFinalizerController } from './controllers/finalizer-controller.js';
import { enableLinearRegExp } from './customresourcedefinition/go-regexp.js';
import type { SchemaCompiler } from './customresource/definition.js';
import { APIEXTENSIONS_GROUP, customResourceDefinitions } from './customresourcedefinitions.js';

export interface APIExtensionsOptions {
  discovery: DiscoveryManager;
  /** Where CRDs and custom resources are stored; without it the group is served empty. */
  storage?: Storage;
  lifecycle?: Lifecycle;
  minRequestTimeoutSeconds?: number;
  logger?: Logger;
  /** NamespaceLifecycle's lookup (the core server's namespaces), for namespaced custom resources. */
  lookupNamespace: (name: string) => Promise<KubeObject | undefined>;
  /** Compiles a CRD version's structural schema (validation, defaulting, typing). */
  compileSchema: SchemaCompiler;
  /**
   * Where a conversion webhook's Service is reached (kube's webhook service
   * resolver); the chain's assembly gives the aggregator's. Without it, only
   * webhooks with a `url` are called.
   */
  resolveService?: ResolveService;
  /** The chain's once-per-cluster controllers (run while this replica holds the Lease); without it they run at once. */
  leaderControllers?: LeaderControllers;
}

export interface APIExtensionsServer extends GenericAPIServer {
  /** CRDs and the custom resources they define. */
  apiResources: APIResources;
}

/** How long a request for a resource whose CRD exists but is not served yet waits for it. */
const PENDING_RESOURCE_WAIT_MS = 5_000;

/**
 * The CRD server. It owns apiextensions.k8s.io and every group a
 * CustomResourceDefinition adds, all served by one APIResources unit, the
 * same path as built-ins. Its routes are complete once the CRD controller has
 * served every stored CRD: the `crd-informer-synced` post-start hook (and
 * /readyz) waits for that. A request for a custom resource whose CRD was just
 * created waits briefly for it instead of failing with 404.
 */
export function createAPIExtensionsServer(delegate: GenericAPIServer, opts: APIExtensionsOptions): APIExtensionsServer {
  // CRD schemas' patterns run on V8's linear-time engine where it applies, as Go's RE2 would: a hostile pattern cannot stall the server.
  enableLinearRegExp();
  const server = new GenericAPIServer('apiextensions-apiserver', delegate) as APIExtensionsServer;
  const logger = opts.logger ?? discardLogger;
  const resources = new APIResources({
    storage: opts.storage,
    discovery: opts.discovery,
    lifecycle: opts.lifecycle,
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds,
    logger,
    admission: (def) => [namespaceLifecycle({ group: def.info.group, resource: def.info.resource, namespaced: def.info.namespaced }, opts.lookupNamespace)],
  });
  server.apiResources = resources;
  server.addListedPaths(`/apis/${APIEXTENSIONS_GROUP}`, `/apis/${APIEXTENSIONS_GROUP}/v1`);
  if (!opts.storage) {
    opts.discovery.setGroupVersion({ group: APIEXTENSIONS_GROUP, version: 'v1', resources: [] });
    resources.attach(server);
    server.addMuxCompleteSignal('CRDInformerSynced', () => true);
    return server;
  }

  const crds = resources.install(customResourceDefinitions);
  const controller = new CRDController({ storage: opts.storage, crds, resources, compileSchema: opts.compileSchema, resolveService: opts.resolveService, logger });
  // A deprecated version's Warning on every request for it (kube's crdHandler adds it before serving): claimed ahead of attach's handler.
  const deprecated = (info: RequestInfo) => controller.warningsFor(info.apiGroup, info.apiVersion, info.resource);
  const warnThenServe: RequestHandler = (req, res, next) => {
    const info = requestInfoFrom(req);
    for (const w of warningHeaderValues((info && deprecated(info)) ?? [])) res.append('Warning', w);
    return resources.installer.handler(req, res, next);
  };
  server.serveResources((info) => deprecated(info) !== undefined && resources.installer.serves(info), warnThenServe);
  resources.attach(server);

  // A custom resource whose CRD exists but is not served yet (created a moment ago): wait for it, bounded.
  const pending = (info: RequestInfo): boolean =>
    controller.informer.indexer.list().some((crd) => crd.spec?.group === info.apiGroup && crd.spec.names?.plural === info.resource && !crd.metadata.deletionTimestamp);
  const waitThenServe: RequestHandler = async (req, res, next) => {
    const info = requestInfoFrom(req);
    if (info) {
      // Bounded: after the wait the request goes on as any other (served now, or 404 from the next server).
      await controller.until(() => resources.installer.serves(info), AbortSignal.timeout(PENDING_RESOURCE_WAIT_MS)).catch(() => undefined);
    }
    return resources.installer.handler(req, res, next);
  };
  server.serveResources((info) => !resources.installer.serves(info) && info.apiGroup !== '' && pending(info), waitThenServe);

  let synced = false;
  server.addPostStartHook('crd-informer-synced', async ({ signal }) => {
    void controller.run(signal).catch((err: unknown) => logger.error('crd controller stopped', { err: String(err) }));
    // Every stored CRD is in the informer once it has synced; each one's sync then wakes the wait.
    await controller.informer.waitForSync(signal);
    await controller.until(() => controller.caughtUp(), signal);
    synced = true;
  });
  server.addMuxCompleteSignal('CRDInformerSynced', () => synced);
  // Emptying a deleted CRD happens once per cluster: only the leader runs the finalizer controller.
  const storage = opts.storage;
  server.addPostStartHook('start-apiextensions-controllers', ({ signal }) => {
    const run = (term: AbortSignal) => new CRDFinalizerController({ storage, crds, resources, logger }).run(term);
    runLeaderOnly(opts.leaderControllers, 'crd-finalizer', signal, run, logger);
  });
  return server;
}
