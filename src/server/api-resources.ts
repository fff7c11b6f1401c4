import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import { groupVersionsOf } from '../endpoints/discovery/from-definitions.js';
import { ownedGroupRoutes } from '../endpoints/discovery/owned-routes.js';
import { APIInstaller, type ExtraHandlers } from '../endpoints/installer.js';
import type { Logger } from '../observability/logger.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { Store, type Admit } from '../registry/store.js';
import { Cacher } from '../storage/cacher/index.js';
import type { Storage } from '../storage/interfaces.js';
import { instrumentStorage } from '../storage/instrumented-storage.js';
import type { GenericAPIServer } from './generic-apiserver.js';
import type { Lifecycle } from './lifecycle.js';

export interface APIResourcesOptions {
  /** The backend every resource of this unit is stored in, through one watch cache per resource. */
  storage?: Storage;
  /** The chain's discovery documents: this unit keeps its own group-versions in them. */
  discovery: DiscoveryManager;
  lifecycle?: Lifecycle;
  /** kube's --min-request-timeout, for watches without timeoutSeconds. */
  minRequestTimeoutSeconds?: number;
  logger?: Logger;
  /** The admission checks of a resource's writes, run in order (each may refuse). */
  admission?: (def: ResourceDefinition) => Admit[];
  /** Discovery verbs of subresources served by extra handlers, by "group/resource". */
  extraHandlerNames?: Record<string, Record<string, string[]>>;
}

/**
 * The resources one server serves (kube's APIGroupInfo with InstallAPIGroup):
 * for each definition, from data, at start or at runtime, its watch cache, its
 * Store with its admission, its routes, and its place in discovery; and the
 * same undone by uninstall. The core server and the CRD server each own one,
 * so a resource defined at runtime takes exactly the path of a built-in.
 */
export class APIResources {
  readonly installer: APIInstaller;
  /** One watch cache per storage prefix, shared by every version stored there (HPA v1 and v2, a CRD's versions). */
  private readonly caches = new Map<string, SharedCache>();
  /** What was last handed to discovery, by group/version, as JSON. */
  private published = new Map<string, string>();

  constructor(private readonly opts: APIResourcesOptions) {
    this.installer = new APIInstaller({ lifecycle: opts.lifecycle, minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds, logger: opts.logger });
    this.installer.onChange(() => this.publish());
  }

  /** Creates the store (on its prefix's watch cache) for a definition and serves it; re-installing replaces it. */
  install(def: ResourceDefinition, extra: ExtraHandlers = {}): Store {
    return this.installAll([{ def, extra }])[0]!;
  }

  /**
   * Installs definitions together (a CRD's served versions). Those on one
   * storage prefix share its watch cache. Re-installing a resource already
   * served starts a new watch cache for its prefix (the old one stops, ending
   * its watches, so clients list again under the new definition), and the
   * other resources on that prefix move to the new cache with it.
   */
  installAll(items: { def: ResourceDefinition; extra?: ExtraHandlers }[]): Store[] {
    const storage = this.opts.storage;
    if (!storage) throw new Error('this server has no storage to install resources on');
    const stores = new Map<ResourceDefinition, Store>();
    const byPrefix = new Map<string, { def: ResourceDefinition; extra: ExtraHandlers }[]>();
    for (const { def, extra = {} } of items) {
      const prefix = storagePrefixOf(def);
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), { def, extra }]);
    }
    for (const [prefix, group] of byPrefix) {
      const entry = this.caches.get(prefix);
      const restart = !entry || group.some(({ def }) => entry.members.has(gvrKeyOf(def)));
      if (!restart) {
        for (const m of group) {
          entry.members.set(gvrKeyOf(m.def), m);
          stores.set(m.def, this.serve(m, entry.cacher));
        }
        continue;
      }
      const resource = groupResourceOf(group[0]!.def);
      const cacher = new Cacher({ storage: instrumentStorage(storage, resource), resourcePrefix: prefix, logger: this.opts.logger, metricsResource: resource });
      const members = new Map(entry?.members ?? []);
      for (const m of group) members.set(gvrKeyOf(m.def), m);
      this.caches.set(prefix, { cacher, members });
      for (const m of members.values()) {
        const store = this.serve(m, cacher);
        if (group.some((g) => g.def === m.def)) stores.set(m.def, store);
      }
      void entry?.cacher.stop();
      void cacher.start().catch((err: unknown) => this.opts.logger?.error('watch cache failed to start', { prefix, err: String(err) }));
    }
    return items.map(({ def }) => stores.get(def)!);
  }

  private serve(m: { def: ResourceDefinition; extra: ExtraHandlers }, cacher: Cacher): Store {
    const store = new Store(m.def, cacher, { admit: chainAdmission(this.opts.admission?.(m.def) ?? []) });
    this.installer.install(m.def, store, m.extra);
    return store;
  }

  /**
   * Stops serving a resource: new requests for it go to the next server (404).
   * Its prefix's watch cache stops with its last resource, ending its watches.
   * False if it was not installed.
   */
  async uninstall(group: string, version: string, resource: string): Promise<boolean> {
    const removed = this.installer.remove(group, version, resource);
    const k = gvrKey(group, version, resource);
    for (const [prefix, entry] of this.caches) {
      if (!entry.members.delete(k) || entry.members.size > 0) continue;
      this.caches.delete(prefix);
      await entry.cacher.stop();
    }
    return removed;
  }

  /** Stops every watch cache (shutdown of an in-process server). */
  async stop(): Promise<void> {
    const all = [...this.caches.values()];
    this.caches.clear();
    await Promise.all(all.map((c) => c.cacher.stop()));
  }

  /** The storage prefixes whose watch cache does not reflect the backend now (starting, or relisting after a lost watch). */
  unsyncedCaches(): string[] {
    return [...this.caches].filter(([, c]) => !c.cacher.ready).map(([prefix]) => prefix);
  }

  /** The Stores of the namespaced resources installed now (namespace deletion empties them). */
  namespacedStores(): Store[] {
    return this.installer
      .definitions()
      .filter((d) => d.info.namespaced)
      .map((d) => this.installer.store(d.info.group, d.info.version, d.info.resource))
      .filter((s): s is Store => s !== undefined);
  }

  /** Whether a group is served here (its discovery paths and resources). */
  ownsGroup(group: string): boolean {
    return this.installer.definitions().some((d) => d.info.group === group) || this.installer.createOnlyResources().some((r) => r.group === group);
  }

  /** Serves this unit's resources and group discovery paths on a server. */
  attach(server: GenericAPIServer): void {
    server.routes.use(ownedGroupRoutes(this.opts.discovery, (g) => this.ownsGroup(g)));
    server.serveResources((info) => this.installer.serves(info), this.installer.handler);
  }

  /** Discovery follows the installed resources: sets what is there, drops what went. */
  private publish(): void {
    const gvs = groupVersionsOf(this.installer.definitions(), this.opts.extraHandlerNames ?? {});
    // Create-only resources (the reviews) have one verb and no storage.
    for (const r of this.installer.createOnlyResources()) {
      let gv = gvs.find((g) => g.group === r.group && g.version === r.version);
      if (!gv) gvs.push((gv = { group: r.group, version: r.version, resources: [] }));
      gv.resources.push({ resource: r.resource, singularName: r.singularName, kind: r.kind, namespaced: r.namespaced, verbs: ['create'] });
    }
    // Only what changed is handed over: with 1,000 CRDs served, one more must not re-copy the other 999.
    const now = new Map(gvs.map((gv) => [`${gv.group}/${gv.version}`, JSON.stringify(gv)]));
    for (const gv of gvs) {
      const key = `${gv.group}/${gv.version}`;
      if (this.published.get(key) !== now.get(key)) this.opts.discovery.setGroupVersion(gv);
    }
    for (const old of this.published.keys()) {
      if (!now.has(old)) {
        const [group, version] = old.split('/') as [string, string];
        this.opts.discovery.removeGroupVersion(group, version);
      }
    }
    this.published = now;
  }
}

interface SharedCache {
  cacher: Cacher;
  /** The resources served from it, by group/version/resource, with what they were installed with. */
  members: Map<string, { def: ResourceDefinition; extra: ExtraHandlers }>;
}

const gvrKey = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;
const gvrKeyOf = (def: ResourceDefinition) => gvrKey(def.info.group, def.info.version, def.info.resource);
/** kube's GroupResource.String(), the `type` and `resource` of its storage metrics. */
const groupResourceOf = (def: ResourceDefinition) => (def.info.group ? `${def.info.resource}.${def.info.group}` : def.info.resource);

const storagePrefixOf = (def: ResourceDefinition) => def.storagePrefix ?? (def.info.group ? `/${def.info.group}/${def.info.resource}` : `/${def.info.resource}`);

/** Admission checks run in order; none is a Store without admission. */
function chainAdmission(checks: Admit[]): Admit | undefined {
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return async (op, obj, namespace, requester) => {
    for (const check of checks) await check(op, obj, namespace, requester);
  };
}
