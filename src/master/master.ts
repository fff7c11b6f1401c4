import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import { groupVersionsOf } from '../endpoints/discovery/from-definitions.js';
import { ownedGroupRoutes } from '../endpoints/discovery/owned-routes.js';
import { APIInstaller, type ExtraHandlers } from '../endpoints/installer.js';
import type { Logger } from '../observability/logger.js';
import type { KubeObject } from '../registry/object.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { Store, type Admit } from '../registry/store.js';
import { Cacher } from '../storage/cacher/index.js';
import type { Storage } from '../storage/interfaces.js';
import { GenericAPIServer } from '../server/generic-apiserver.js';
import type { Lifecycle } from '../server/lifecycle.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { NamespaceController } from './controllers/namespace-controller.js';
import { ensureSystemNamespaces } from './controllers/system-namespaces.js';
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
}

export interface MasterServer extends GenericAPIServer {
  installer: APIInstaller;
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
}

/**
 * The core server: the legacy group at /api/v1 and the built-in named groups,
 * each resource a generic Store behind a watch cache.
 */
export function createMasterServer(delegate: GenericAPIServer, opts: MasterOptions): MasterServer {
  const server = new GenericAPIServer('kube-apiserver', delegate) as MasterServer;
  const installer = new APIInstaller({ lifecycle: opts.lifecycle, minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds });
  server.installer = installer;
  const cachers = new Map<string, Cacher>();
  const gvrKey = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;

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

  server.installResource = (def, extra = {}) => {
    if (!opts.storage) throw new Error('the core server has no storage to install resources on');
    const prefix = def.storagePrefix ?? (def.info.group ? `/${def.info.group}/${def.info.resource}` : `/${def.info.resource}`);
    const cacher = new Cacher({ storage: opts.storage, resourcePrefix: prefix, logger: opts.logger });
    const k = gvrKey(def.info.group, def.info.version, def.info.resource);
    // Re-installing replaces the resource; the old watch cache is stopped.
    void cachers.get(k)?.stop();
    cachers.set(k, cacher);
    const lifecycleAdmit = namespaceLifecycle({ group: def.info.group, resource: def.info.resource, namespaced: def.info.namespaced }, lookupNamespace);
    const extraAdmit = opts.extraAdmit?.(def);
    const admit: Admit = extraAdmit
      ? async (op, obj, namespace, requester) => {
          await lifecycleAdmit(op, obj, namespace, requester);
          await extraAdmit(op, obj, namespace, requester);
        }
      : lifecycleAdmit;
    const store = new Store(def, cacher, { admit });
    installer.install(def, store, extra);
    void cacher.start().catch((err: unknown) => opts.logger?.error('watch cache failed to start', { resource: def.info.resource, err: String(err) }));
    return store;
  };
  server.uninstallResource = async (group, version, resource) => {
    const removed = installer.remove(group, version, resource);
    const k = gvrKey(group, version, resource);
    const cacher = cachers.get(k);
    cachers.delete(k);
    await cacher?.stop();
    return removed;
  };
  server.stopWatchCaches = async () => {
    const all = [...cachers.values()];
    cachers.clear();
    await Promise.all(all.map((c) => c.stop()));
  };
  for (const def of opts.resources ?? []) {
    server.installResource(def, opts.extraHandlers?.[`${def.info.group}/${def.info.resource}`]);
  }

  const nsStore = namespaces();
  if (nsStore && opts.storage) {
    const storage = opts.storage;
    const logger = opts.logger ?? discardLogger;
    server.addPostStartHook('start-system-namespaces-controller', async ({ signal }) => {
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
    });
    server.addPostStartHook('start-namespace-controller', ({ signal }) => {
      const controller = new NamespaceController({
        storage,
        namespaces: nsStore,
        namespacedStores: () =>
          installer
            .definitions()
            .filter((d) => d.info.namespaced)
            .map((d) => installer.store(d.info.group, d.info.version, d.info.resource)!)
            .filter(Boolean),
        logger,
      });
      void controller.run(signal).catch((err: unknown) => logger.error('namespace controller stopped', { err: String(err) }));
    });
  }

  // Discovery follows the installed resources: set what is there, drop what went.
  let published = new Set<string>();
  const publish = () => {
    const extraNames = Object.fromEntries(
      Object.entries(opts.extraHandlers ?? {}).map(([gr, subs]) => [gr, Object.fromEntries(Object.entries(subs).map(([n, verbs]) => [n, Object.keys(verbs)]))]),
    );
    const gvs = groupVersionsOf(installer.definitions(), extraNames);
    // Create-only resources (the reviews) have one verb and no storage.
    for (const r of installer.createOnlyResources()) {
      let gv = gvs.find((g) => g.group === r.group && g.version === r.version);
      if (!gv) gvs.push((gv = { group: r.group, version: r.version, resources: [] }));
      gv.resources.push({ resource: r.resource, singularName: r.singularName, kind: r.kind, namespaced: r.namespaced, verbs: ['create'] });
    }
    const now = new Set(gvs.map((gv) => `${gv.group}/${gv.version}`));
    for (const gv of gvs) opts.discovery.setGroupVersion(gv);
    for (const old of published) {
      if (!now.has(old)) {
        const [group, version] = old.split('/') as [string, string];
        opts.discovery.removeGroupVersion(group, version);
      }
    }
    published = now;
  };
  installer.onChange(publish);
  publish();
  const owned = () => new Set([...installer.definitions().map((d) => d.info.group), ...installer.createOnlyResources().map((r) => r.group)]);
  server.routes.use(ownedGroupRoutes(opts.discovery, (g) => owned().has(g)));
  server.serveResources((info) => installer.serves(info), installer.handler);
  server.addListedPaths('/api/v1');
  return server;
}
