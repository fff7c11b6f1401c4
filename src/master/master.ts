import { LeaderControllers, runLeaderOnly } from '../controller/leaderelection/leader-controllers.js';
import { LeaderElector, type LeaderElectionConfig } from '../controller/leaderelection/leader-elector.js';
import { LeaseLock, newHolderIdentity } from '../controller/leaderelection/lease-lock.js';
import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import type { APIInstaller, ExtraHandlers } from '../endpoints/installer.js';
import type { Logger } from '../observability/logger.js';
import type { KubeObject } from '../registry/object.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import type { Admit, Store } from '../registry/store.js';
import type { Storage } from '../storage/interfaces.js';
import { APIResources } from '../server/api-resources.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';
import type { Lifecycle } from '../server/lifecycle.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { NamespaceController } from './controllers/namespace-controller.js';
import { ensureSystemNamespaces } from './controllers/system-namespaces.js';
import { addAPIServerIdentityHooks, type APIServerIdentityOptions } from './controllers/apiserver-identity.js';
import { discardLogger } from '../observability/logger.js';
import { isNotFound } from '../apimachinery/status-error.js';
import { describeError } from '../storage/errors.js';

export interface MasterOptions {
  /** The chain's discovery documents; this server keeps its own groups in them. */
  discovery: DiscoveryManager;
  /** The backend every built-in resource is stored in, through one watch cache per resource. */
  storage?: Storage;
  /** The built-in resources to serve (the runtime-config's choice). */
  resources?: ResourceDefinition[];
  /** Handlers for subresources with their own REST shape, by "group/resource". */
  extraHandlers?: Record<string, ExtraHandlers>;
  lifecycle?: Lifecycle;
  /** kube's --min-request-timeout, for watches without timeoutSeconds (default 1800). */
  minRequestTimeoutSeconds?: number;
  logger?: Logger;
  /** Admission beyond namespace lifecycle for some resources (RBAC's escalation checks), run after it. */
  extraAdmit?: (def: ResourceDefinition) => Admit | undefined;
  /** Namespaced Stores served by other servers (the CRD server's custom resources): namespace deletion empties them too. */
  moreNamespacedStores?: () => Store[];
  /** The chain's once-per-cluster controllers; this server elects their leader on its leases. Default: its own. */
  leaderControllers?: LeaderControllers;
  /** The election's identity and timings (default `<hostname>_<uuid>` and kube's 15 s / 10 s / 2 s). */
  leaderElection?: Partial<Pick<LeaderElectionConfig, 'identity' | 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>>;
  /** host:port this replica serves on: mixed into its identity Lease's name (replicas may share a host). Default: the hostname alone. */
  servingAddress?: () => string;
  /** The identity Lease's timings (default kube's: renewed every 10 s, swept every hour). */
  identityLease?: Pick<APIServerIdentityOptions, 'renewIntervalMs' | 'gcPeriodMs'>;
}

/** The Lease the chain's once-per-cluster controllers are elected on (one per component, as kube-controller-manager's). */
export const CONTROLLERS_LEASE = { namespace: 'kube-system', name: 'frontdoor-controllers' } as const;

export interface MasterServer extends GenericAPIServer {
  installer: APIInstaller;
  /** The resources it serves (installer, watch caches, Stores, discovery). */
  apiResources: APIResources;
  /** NamespaceLifecycle's lookup: a namespace from this server's namespaces Store (other servers' admission asks it too). */
  lookupNamespace(name: string): Promise<KubeObject | undefined>;
  /** Creates the store (and its watch cache) for a definition and serves it. */
  installResource(def: ResourceDefinition, extra?: ExtraHandlers): Store;
  /**
   * Stops serving a resource installed with installResource: new requests for it
   * go to the next server (404), then its watch cache stops, ending its watches.
   * False if it was not installed.
   */
  uninstallResource(group: string, version: string, resource: string): Promise<boolean>;
  /** Stops every watch cache (shutdown of an in-process server). */
  stopWatchCaches(): Promise<void>;
  /** The controllers that run only on the replica holding the controllers' Lease. */
  leaderControllers: LeaderControllers;
  /** Absent when leases are not served or there is no storage (the controllers then run at once). */
  leaderElector?: LeaderElector;
  /**
   * Once the post-start hooks' signal has aborted: resolves when the election
   * has stopped and a held Lease has been handed back (bounded), so shutdown
   * closes storage only after that write. At once otherwise.
   */
  leaderElectionStopped(): Promise<void>;
}

/** How long shutdown waits for the Lease's release before closing storage anyway. */
const RELEASE_WAIT_MS = 5_000;

/**
 * The core server: the legacy group at /api/v1 and the built-in named groups,
 * each resource a generic Store behind a watch cache.
 */
export function createMasterServer(delegate: GenericAPIServer, opts: MasterOptions): MasterServer {
  const server = new GenericAPIServer('kube-apiserver', delegate) as MasterServer;
  const extraHandlerNames = Object.fromEntries(
    Object.entries(opts.extraHandlers ?? {}).map(([gr, subs]) => [gr, Object.fromEntries(Object.entries(subs).map(([n, verbs]) => [n, Object.keys(verbs)]))]),
  );
  const resources = new APIResources({
    storage: opts.storage,
    discovery: opts.discovery,
    lifecycle: opts.lifecycle,
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds,
    logger: opts.logger,
    extraHandlerNames,
    admission: (def) => {
      const lifecycle = namespaceLifecycle({ group: def.info.group, resource: def.info.resource, namespaced: def.info.namespaced }, lookupNamespace);
      const extra = opts.extraAdmit?.(def);
      return extra ? [lifecycle, extra] : [lifecycle];
    },
  });
  const installer = resources.installer;
  server.installer = installer;
  server.apiResources = resources;

  const namespaces = () => installer.store('', 'v1', 'namespaces');
  // Only NotFound means absent: any other failure (storage unavailable: a 503) is the request's answer,
  // never "namespace not found", and is logged so that an operator sees the outage's cause.
  const lookupNamespace = async (name: string): Promise<KubeObject | undefined> => {
    const store = namespaces();
    if (!store) return { metadata: { name } };
    try {
      return await store.get('', name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      opts.logger?.warn('namespace lookup failed', { namespace: name, err: describeError(err) });
      throw err;
    }
  };
  server.lookupNamespace = lookupNamespace;

  server.installResource = (def, extra = {}) => resources.install(def, extra);
  server.uninstallResource = (group, version, resource) => resources.uninstall(group, version, resource);
  server.stopWatchCaches = () => resources.stop();
  for (const def of opts.resources ?? []) {
    server.installResource(def, opts.extraHandlers?.[`${def.info.group}/${def.info.resource}`]);
  }

  const logger = opts.logger ?? discardLogger;
  const leaderControllers = opts.leaderControllers ?? new LeaderControllers(logger);
  server.leaderControllers = leaderControllers;
  const nsStore = namespaces();
  let systemNamespaces: Promise<void> = Promise.resolve();
  if (nsStore && opts.storage) {
    const storage = opts.storage;
    server.addPostStartHook('start-system-namespaces-controller', ({ signal }) => {
      systemNamespaces = (async () => {
        // Storage may be briefly unreachable at start (etcd restarting): retry, as kube's controller does.
        for (let delay = 200; ; delay = Math.min(delay * 2, 10_000)) {
          try {
            const created = await ensureSystemNamespaces(nsStore);
            if (created.length > 0) logger.info('created system namespaces', { namespaces: created });
            return;
          } catch (err) {
            if (signal.aborted) throw err;
            logger.warn('creating the system namespaces failed; retrying', { err: err instanceof Error ? err.message : String(err), retryInMs: delay });
            await new Promise((r) => setTimeout(r, delay));
          }
        }
      })();
      return systemNamespaces;
    });
    server.addPostStartHook('start-namespace-controller', ({ signal }) => {
      const run = (term: AbortSignal) =>
        new NamespaceController({
          storage,
          namespaces: nsStore,
          // Every unit's namespaced resources, also those installed after the controller started (custom resources).
          namespacedStores: () => [...resources.namespacedStores(), ...(opts.moreNamespacedStores?.() ?? [])],
          logger,
        }).run(term);
      runLeaderOnly(leaderControllers, 'namespace-controller', signal, run, logger);
    });
  }

  // One elected replica runs the once-per-cluster controllers; without leases to elect on, this one runs them.
  const leases = installer.store('coordination.k8s.io', 'v1', 'leases');
  if (leases && opts.storage) {
    const elector = new LeaderElector({
      lock: new LeaseLock(leases, CONTROLLERS_LEASE.namespace, CONTROLLERS_LEASE.name),
      identity: opts.leaderElection?.identity ?? newHolderIdentity(),
      leaseDurationMs: opts.leaderElection?.leaseDurationMs,
      renewDeadlineMs: opts.leaderElection?.renewDeadlineMs,
      retryPeriodMs: opts.leaderElection?.retryPeriodMs,
      callbacks: { onStartedLeading: (term) => leaderControllers.startAll(term) },
      logger,
    });
    server.leaderElector = elector;
    // kube's APIServerIdentity: every replica's own Lease; the sweep of stale ones runs on the leader.
    addAPIServerIdentityHooks(server, {
      leases,
      leaderControllers,
      servingAddress: opts.servingAddress ?? (() => ''),
      systemNamespaces: () => systemNamespaces,
      renewIntervalMs: opts.identityLease?.renewIntervalMs,
      gcPeriodMs: opts.identityLease?.gcPeriodMs,
      logger,
    });
    let stopped: { signal: AbortSignal; done: Promise<void> } | undefined;
    server.addPostStartHook('start-leader-election', ({ signal }) => {
      // In the background: a follower is ready without ever leading. The Lease lives in kube-system, created first.
      const done = (async () => {
        // A failure there is logged and reported by its own post-start hook; the elector goes on regardless.
        await systemNamespaces.catch(() => undefined);
        await elector.run(signal);
      })().catch((err: unknown) => logger.error('leader election stopped', { err: err instanceof Error ? err.message : String(err) }));
      stopped = { signal, done };
    });
    server.leaderElectionStopped = async () => {
      if (!stopped?.signal.aborted) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stopped.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, RELEASE_WAIT_MS)))]);
      clearTimeout(timer);
    };
  } else {
    server.leaderElectionStopped = () => Promise.resolve();
    server.addPostStartHook('start-leader-election', ({ signal }) => leaderControllers.startAll(signal));
  }

  resources.attach(server);
  server.addListedPaths('/api/v1');
  return server;
}
