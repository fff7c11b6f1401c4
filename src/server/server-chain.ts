import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { setPendingUpgrade, takePendingUpgrade } from '../aggregator/proxy/index.js';
import { createAggregatorServer, type AggregatorServer } from '../aggregator/aggregator-server.js';
import type { CertKeyContentProvider } from '../dynamiccertificates/interfaces.js';
import type { LocalGroupVersion } from '../aggregator/autoregister.js';
import { createAPIExtensionsServer, type APIExtensionsServer } from '../apiextensions/apiextensions-server.js';
import { compileVersionSchema } from '../apiextensions/customresource/compile-schema.js';
import type { Authenticator } from '../auth/authenticator/authenticator.js';
import { buildAuthentication, type BuiltAuthentication } from '../auth/authenticator/config.js';
import { authenticationV1Resources } from '../apis/authentication/v1/index.js';
import { unionAuthorizer, type Authorizer } from '../auth/authorizer/authorizer.js';
import { privilegedGroupsAuthorizer } from '../auth/authorizer/privileged-groups.js';
import { publicInfoAuthorizer } from '../auth/authorizer/public-info.js';
import { SYSTEM_MASTERS } from '../auth/user.js';
import { createAuthorization, unionRuleResolver, type AuthorizationMode } from '../auth/authorizer/rbac/authorization-modes.js';
import { rbacEscalationAdmission } from '../auth/authorizer/rbac/escalation.js';
import { addRBACPostStartHooks } from '../auth/authorizer/rbac/post-start-hooks.js';
import { authorizationReviews } from '../apis/authorization/v1/index.js';
import { RBAC_GROUP } from '../apis/rbac/v1/types.js';
import { ClusterRoleAggregationController } from '../master/controllers/clusterrole-aggregation.js';
import { LeaderControllers, runLeaderOnly } from '../controller/leaderelection/leader-controllers.js';
import { requestInfoFrom } from '../endpoints/request/context.js';
import { createRequestInfoResolver } from '../endpoints/request/request-info.js';
import { DiscoveryManager } from '../endpoints/discovery/index.js';
import { MAIN_VERBS } from '../endpoints/discovery/from-definitions.js';
import { OpenAPIService } from '../endpoints/openapi/service.js';
import { installProtobufCodec } from '../endpoints/protobuf/install.js';
import type { ExtraHandlers } from '../endpoints/installer.js';
import { createMasterServer, type MasterServer } from '../master/master.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import type { Storage } from '../storage/interfaces.js';
import type { Logger } from '../observability/logger.js';
import { withAuditID } from './filters/audit-id.js';
import { withAudit, withFailedAuthenticationAudit, type AuditOptions } from './filters/audit.js';
import { withAuthentication } from './filters/authentication.js';
import { withAuthorization } from './filters/authorization.js';
import { composeFilters } from './filters/compose.js';
import { withImpersonation } from './filters/impersonation.js';
import { listWorkEstimator } from './filters/list-work-estimator.js';
import { withMaxInFlight } from './filters/max-in-flight.js';
import { withRequestTimeout } from './filters/timeout.js';
import { withHTTP1Only } from './filters/http-version.js';
import { withDrain } from './filters/drain.js';
import { withHTTPLog } from './filters/http-log.js';
import { withPanicRecovery } from './filters/panic-recovery.js';
import { withRequestInfo } from './filters/request-info.js';
import { withRequestMetrics } from './filters/request-metrics.js';
import { installMetrics } from './metrics.js';
import type { GenericAPIServer } from './generic-apiserver.js';
import { informerSyncCheck, installHealthz, logCheck, pingCheck, type HealthChecker } from './healthz.js';
import { Lifecycle } from './lifecycle.js';
import { createNotFoundServer } from './not-found.js';
import { PostStartHookRunner } from './post-start-hooks.js';
import { versionInfo } from './version.js';

export interface ServerChainOptions {
  logger: Logger;
  /** Storage health checks (`etcd`, or `storage` for SQLite): on /healthz, /livez and /readyz. */
  storageChecks: HealthChecker[];
  /** host:port that clients use to reach this server. */
  serverAddress: () => string;
  /** Who a request is (kube's authenticators, built from the flags); default: client certificates, and anonymous. */
  authentication?: BuiltAuthentication;
  /** Replaces authentication's request authenticator (tests). */
  authenticator?: Authenticator;
  /** Replaces the one --authorization-mode would build. */
  authorizer?: Authorizer;
  /** kube's --authorization-mode, in order; default RBAC. Needs `storage`. */
  authorizationModes?: AuthorizationMode[];
  /** Where built-in resources are stored; without it the core server serves no resources. */
  storage?: Storage;
  /** The built-in resources to serve. */
  resources?: ResourceDefinition[];
  /** Handlers for subresources with their own REST shape, by "group/resource". */
  extraHandlers?: Record<string, ExtraHandlers>;
  /** The audit policy and where events go; without it nothing is audited and the filter is not installed. */
  audit?: AuditOptions;
  /** kube's --max-requests-inflight: seats for reads, a LIST priced by the objects it reads; 0: no limit (default). */
  maxRequestsInflight?: number;
  /** kube's --max-mutating-requests-inflight; 0: no limit (default). */
  maxMutatingRequestsInflight?: number;
  /** kube's --request-timeout in ms: non-long-running requests get 504 after it; 0: no limit (default). */
  requestTimeoutMs?: number;
  /** kube's --min-request-timeout: a watch without timeoutSeconds lasts between this and twice this (default 1800). */
  minRequestTimeoutSeconds?: number;
  /** The client certificate the aggregator presents to APIService backends (--proxy-client-cert-file). */
  proxyClientCert?: CertKeyContentProvider;
  /** kube's --enable-aggregator-routing (default true here). */
  enableAggregatorRouting?: boolean;
}

export interface ServerChain {
  app: Express;
  aggregator: AggregatorServer;
  master: MasterServer;
  apiextensions: APIExtensionsServer;
  notFound: GenericAPIServer;
  discovery: DiscoveryManager;
  lifecycle: Lifecycle;
  /** Runs every post-start hook of the chain; call once the server listens. */
  runPostStartHooks(signal: AbortSignal): Promise<void>;
  /** Stops every server's watch caches (shutdown of an in-process chain). */
  stopWatchCaches(): Promise<void>;
  /**
   * A connection upgrade (the server's 'upgrade' event): it runs the whole
   * filter chain like any request; an APIService's proxy takes the socket
   * over, anything else answers on it and the socket is then closed.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * kube's CreateServerChain: built inside out (notFound ← apiextensions ← master
 * ← aggregator); a request walks it outside in, behind one filter chain that
 * runs once. Each server answers what it owns and passes the rest on (`next()`).
 */
export function createServerChain(opts: ServerChainOptions): ServerChain {
  installProtobufCodec();
  const lifecycle = new Lifecycle();
  // notFound is built first but must see the readiness of the servers outside it.
  let outermost: GenericAPIServer | undefined;
  const notFound = createNotFoundServer(() => outermost?.pendingMuxSignals() ?? ['server chain']);
  const discovery = new DiscoveryManager({ serverAddress: opts.serverAddress });
  // The core server is built after the CRD server it delegates to; its namespaces answer the CRD server's admission.
  let master: MasterServer | undefined;
  // Once-per-cluster controllers of every server, run on the replica the core server's Lease elects.
  const leaderControllers = new LeaderControllers(opts.logger);
  const apiextensions = createAPIExtensionsServer(notFound, {
    discovery,
    storage: opts.storage,
    lifecycle,
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds,
    logger: opts.logger,
    lookupNamespace: (name) => master!.lookupNamespace(name),
    compileSchema: compileVersionSchema,
    leaderControllers,
    // The aggregator (built below) resolves Services for the proxy; conversion webhooks find theirs the same way.
    resolveService: (ref) => {
      if (!aggregator.resolveService) throw new Error(`service ${JSON.stringify(ref.name)} cannot be resolved: no Service lookups`);
      return aggregator.resolveService(ref);
    },
  });
  // --authorization-mode: the authorizer every request passes, the reviews that ask it, RBAC's escalation checks.
  const authorization =
    opts.storage && !opts.authorizer
      ? createAuthorization({ modes: opts.authorizationModes ?? ['RBAC'], storage: opts.storage, logger: opts.logger })
      : undefined;
  const authorizer = opts.authorizer ?? authorization?.authorizer ?? unionAuthorizer(privilegedGroupsAuthorizer([SYSTEM_MASTERS]), publicInfoAuthorizer());
  const rbac = authorization?.rbac;
  master = createMasterServer(apiextensions, {
    discovery,
    storage: opts.storage,
    resources: opts.resources,
    extraHandlers: opts.extraHandlers,
    lifecycle,
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds,
    logger: opts.logger,
    extraAdmit: rbac ? rbacEscalationAdmission({ authorizer, resolver: rbac.authorizer.resolver }) : undefined,
    moreNamespacedStores: () => apiextensions.apiResources.namespacedStores(),
    leaderControllers,
    servingAddress: opts.serverAddress,
  });
  for (const review of authorizationReviews({ authorizer, ruleResolver: authorization?.ruleResolver ?? unionRuleResolver([]) })) {
    master.installer.installCreateOnly(review);
  }
  const authentication = opts.authentication ?? buildAuthentication({ apiAudiences: [], anonymous: true });
  for (const review of authenticationV1Resources(authentication)) master.installer.installCreateOnly(review);
  const clusterRoles = master.installer.store(RBAC_GROUP, 'v1', 'clusterroles');
  addRBACPostStartHooks(master, {
    authorization,
    clusterRoles,
    clusterRoleBindings: master.installer.store(RBAC_GROUP, 'v1', 'clusterrolebindings'),
    logger: opts.logger,
  });
  if (opts.storage && clusterRoles) {
    const storage = opts.storage;
    master.addPostStartHook('start-cluster-role-aggregation-controller', ({ signal }) => {
      const run = (term: AbortSignal) => new ClusterRoleAggregationController({ storage, clusterRoles, logger: opts.logger }).run(term);
      runLeaderOnly(leaderControllers, 'clusterrole-aggregation-controller', signal, run, opts.logger);
    });
  }
  const builtinGroupVersions = () => {
    const gvs = new Map<string, LocalGroupVersion>();
    const add = (group: string, version: string, managed: LocalGroupVersion['managed']) => gvs.set(`${group}/${version}`, { group, version, managed });
    for (const d of master.installer.definitions()) add(d.info.group, d.info.version, 'onstart');
    for (const r of master.installer.createOnlyResources()) add(r.group, r.version, 'onstart');
    add('apiregistration.k8s.io', 'v1', 'onstart');
    for (const d of apiextensions.apiResources.installer.definitions()) if (!gvs.has(`${d.info.group}/${d.info.version}`)) add(d.info.group, d.info.version, 'true');
    return [...gvs.values()];
  };
  const aggregator = createAggregatorServer(master, {
    discovery,
    logger: opts.logger,
    storage: opts.storage,
    lifecycle,
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds,
    localGroupVersions: builtinGroupVersions,
    // Called once the chain runs, by which time the OpenAPI service below exists.
    onRemoteOpenAPI: (group, version, docs) => openapi.setRemote(group, version, docs),
    onLocalChange: (cb) => apiextensions.apiResources.installer.onChange(cb),
    leaderControllers,
    proxy: opts.storage
      ? {
          servicesPrefix: master.installer.store('', 'v1', 'services')?.prefix ?? '/services',
          endpointsPrefix: master.installer.store('', 'v1', 'endpoints')?.prefix ?? '/endpoints',
          endpointSlicesPrefix: master.installer.store('discovery.k8s.io', 'v1', 'endpointslices')?.prefix,
          proxyClientCert: opts.proxyClientCert,
          enableAggregatorRouting: opts.enableAggregatorRouting,
          // Every header authentication reads as an identity (requestheader's names and prefixes) is scrubbed too.
          requestHeaders: { usernameHeaders: authentication.identityHeaders.names, extraHeaderPrefixes: authentication.identityHeaders.prefixes },
        }
      : undefined,
  });

  // OpenAPI describes what the core server has installed, and changes with it.
  const openapi = new OpenAPIService({ version: versionInfo().gitVersion });
  // Built-ins and custom resources alike (a custom resource by the models its definition carries):
  // kubectl finds the fieldValidation parameter and `kubectl explain` the fields of both.
  const describe = () =>
    openapi.setResources(
      [...master.installer.definitions(), ...apiextensions.apiResources.installer.definitions(), ...aggregator.apiResources.installer.definitions()].map((d) => ({
        group: d.info.group,
        version: d.info.version,
        resource: d.info.resource,
        kind: d.info.kind,
        namespaced: d.info.namespaced,
        ...(d.openAPIModels ? { models: d.openAPIModels } : {}),
        verbs: [...MAIN_VERBS],
        subresources: [
          ...(d.status ? ['status'] : []),
          ...(d.scale ? ['scale'] : []),
          ...Object.keys(d.subresources ?? {}),
          ...Object.keys(opts.extraHandlers?.[`${d.info.group}/${d.info.resource}`] ?? {}),
        ],
      })),
    );
  master.installer.onChange(describe);
  apiextensions.apiResources.installer.onChange(describe);
  aggregator.apiResources.installer.onChange(describe);
  describe();
  aggregator.routes.get('/openapi/v2', (req, res) => openapi.handleV2(req, res));
  aggregator.routes.get('/openapi/v3', (req, res) => openapi.handleV3Index(req, res));
  aggregator.routes.get('/openapi/v3/*rest', (req, res) => openapi.handleV3GroupVersion(req, res));
  aggregator.addListedPaths('/openapi/v2', '/openapi/v3');
  outermost = aggregator;

  // Hooks may still be added once the chain is built (the CLI adds some): the runner takes them when they run.
  let hooks: PostStartHookRunner | undefined;
  const hookChecks = () => (hooks ?? new PostStartHookRunner(aggregator.postStartHooks(), opts.logger)).healthChecks();
  const shutdownCheck: HealthChecker = {
    name: 'shutdown',
    check: () => {
      if (lifecycle.shutdownInitiated.signaled) throw new Error('process is shutting down');
    },
  };
  const base = () => [pingCheck, logCheck(), ...opts.storageChecks, ...aggregator.healthChecks()];
  const healthz = () => [...base(), ...hookChecks()];
  const informerSync = informerSyncCheck(() => [...master.apiResources.unsyncedCaches(), ...aggregator.apiResources.unsyncedCaches()]);
  const readyz = () => [...base(), informerSync, shutdownCheck, ...hookChecks()];

  // The non-resource routes of the outermost server (kube installs them on each; the outermost wins).
  const nonResource = express.Router();
  nonResource.get('/', (_req, res) => {
    res.json({ paths: [...new Set(['/', '/version', '/metrics', ...healthPaths(healthz(), readyz()), ...aggregator.listedPaths()])].sort() });
  });
  nonResource.get(['/version', '/version/'], (_req, res) => {
    res.json(versionInfo());
  });
  installHealthz(nonResource, 'healthz', healthz);
  installHealthz(nonResource, 'livez', healthz);
  installHealthz(nonResource, 'readyz', readyz);
  installMetrics(nonResource);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Before any filter: not a request this server reads (kube's Go server answers it before its handler).
  app.use(withHTTP1Only());
  // The filters, once, in request order (kube's DefaultBuildHandlerChain lists them bottom-up),
  // then the servers, composed into as few express layers as the error handlers between them allow.
  const authenticated = [
    withRequestMetrics(),
    withAuditID(),
    withRequestInfo(createRequestInfoResolver()),
    withDrain(lifecycle),
    withHTTPLog(opts.logger),
    withRequestTimeout({ requestTimeoutMs: opts.requestTimeoutMs ?? 0 }),
    withAuthentication({
      authenticator: opts.authenticator ?? authentication.authenticator,
      identityHeaders: authentication.identityHeaders,
      logger: opts.logger,
    }),
  ];
  const authorized = [
    withImpersonation({ authorizer, logger: opts.logger }),
    withMaxInFlight({
      nonMutatingLimit: opts.maxRequestsInflight ?? 0,
      mutatingLimit: opts.maxMutatingRequestsInflight ?? 0,
      // A LIST is priced by what the watch cache holds of its resource (in its namespace).
      seats: listWorkEstimator((info) =>
        (master.installer.store(info.apiGroup, info.apiVersion, info.resource) ?? apiextensions.apiResources.installer.store(info.apiGroup, info.apiVersion, info.resource))?.count(info.namespace),
      ),
      // APF's queueing: as many requests may wait for seats as a pool has, each for at most a quarter of
      // the request timeout (kube's default); beyond that, the 429.
      queue: { maxWaitMs: ((opts.requestTimeoutMs ?? 60_000) || 60_000) / 4 },
      served: (info) => master.installer.serves(info) || apiextensions.apiResources.installer.serves(info) || aggregator.apiResources.installer.serves(info),
    }),
    withAuthorization(authorizer),
    // Its paths are never resource paths: a resource request skips its router walk.
    ((req, res, next) => (requestInfoFrom(req)?.isResourceRequest ? next() : nonResource(req, res, next))) satisfies RequestHandler,
    aggregator.handler,
  ];
  // Audit, between authentication and impersonation, as kube's; failed authentications are audited too.
  if (opts.audit) {
    app.use(composeFilters(authenticated));
    app.use(withFailedAuthenticationAudit(opts.audit));
    app.use(composeFilters([withAudit(opts.audit), ...authorized]));
  } else {
    app.use(composeFilters([...authenticated, ...authorized]));
  }
  // Panic recovery guards the whole chain, but Express calls error handlers only when registered last.
  app.use(withPanicRecovery(opts.logger));

  return {
    app,
    aggregator,
    master,
    apiextensions,
    notFound,
    discovery,
    lifecycle,
    stopWatchCaches: async () => {
      // A held Lease is handed back through the caches and storage: let that write go out first.
      await master.leaderElectionStopped();
      await Promise.all([master.stopWatchCaches(), apiextensions.apiResources.stop(), aggregator.apiResources.stop()]);
    },
    handleUpgrade: (req, socket, head) => {
      setPendingUpgrade(req, socket, head);
      const res = new ServerResponse(req);
      res.assignSocket(socket as Socket);
      // Not taken by a proxy (refused by a filter, or not an APIService's path): nothing more happens on it.
      // Destroyed once the answer is written, not only ended: nobody reads it any more, so a client that keeps
      // its side open (or sends more) would otherwise keep it, and server.close() waiting, forever.
      res.once('finish', () => {
        if (takePendingUpgrade(req)) (socket as Socket).destroySoon();
      });
      socket.on('error', () => socket.destroy());
      app(req as Request, res as unknown as Response);
    },
    runPostStartHooks: (signal) => (hooks = new PostStartHookRunner(aggregator.postStartHooks(), opts.logger)).run(signal),
  };
}

const healthPaths = (healthz: HealthChecker[], readyz: HealthChecker[]): string[] => [
  '/healthz',
  ...healthz.map((c) => `/healthz/${c.name}`),
  '/livez',
  ...healthz.map((c) => `/livez/${c.name}`),
  '/readyz',
  ...readyz.map((c) => `/readyz/${c.name}`),
];
