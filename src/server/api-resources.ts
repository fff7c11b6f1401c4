import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import { groupVersionsOf } from '../endpoints/discovery/from-definitions.js';
import { ownedGroupRoutes } from '../endpoints/discovery/owned-routes.js';
import { APIInstaller, type ExtraHandlers } from '../endpoints/installer.js';
import type { Logger } from '../observability/logger.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { Store, type Admit } from '../registry/store.js';
import { Cacher } from '../storage/cacher/index.js';
import type { Storage } from '../storage/interfaces.js';
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
  private readonly cachers = new Map<string, Cacher>();
  private published = new Set<string>();

  constructor(private readonly opts: APIResourcesOptions) {
    this.installer = new APIInstaller({ lifecycle: opts.lifecycle, minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds });
    this.installer.onChange(() => this.publish());
  }

  /** Creates the store (and its watch cache) for a definition and serves it; re-installing replaces it. */
  install(def: ResourceDefinition, extra: ExtraHandlers = {}): Store {
    const storage = this.opts.storage;
    if (!storage) throw new Error('this server has no storage to install resources on');
    const prefix = def.storagePrefix ?? (def.info.group ? `/${def.info.group}/${def.info.resource}` : `/${def.info.resource}`);
    const cacher = new Cacher({ storage, resourcePrefix: prefix, logger: this.opts.logger });
    const k = gvrKey(def.info.group, def.info.version, def.info.resource);
    // The old watch cache of a re-installed resource stops, ending its watches.
    void this.cachers.get(k)?.stop();
    this.cachers.set(k, cacher);
    const store = new Store(def, cacher, { admit: chainAdmission(this.opts.admission?.(def) ?? []) });
    this.installer.install(def, store, extra);
    void cacher.start().catch((err: unknown) => this.opts.logger?.error('watch cache failed to start', { resource: def.info.resource, err: String(err) }));
    return store;
  }

  /**
   * Stops serving a resource: new requests for it go to the next server (404),
   * then its watch cache stops, ending its watches. False if it was not installed.
   */
  async uninstall(group: string, version: string, resource: string): Promise<boolean> {
    const removed = this.installer.remove(group, version, resource);
    const k = gvrKey(group, version, resource);
    const cacher = this.cachers.get(k);
    this.cachers.delete(k);
    await cacher?.stop();
    return removed;
  }

  /** Stops every watch cache (shutdown of an in-process server). */
  async stop(): Promise<void> {
    const all = [...this.cachers.values()];
    this.cachers.clear();
    await Promise.all(all.map((c) => c.stop()));
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
    const now = new Set(gvs.map((gv) => `${gv.group}/${gv.version}`));
    for (const gv of gvs) this.opts.discovery.setGroupVersion(gv);
    for (const old of this.published) {
      if (!now.has(old)) {
        const [group, version] = old.split('/') as [string, string];
        this.opts.discovery.removeGroupVersion(group, version);
      }
    }
    this.published = now;
  }
}

const gvrKey = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;

/** Admission checks run in order; none is a Store without admission. */
function chainAdmission(checks: Admit[]): Admit | undefined {
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return async (op, obj, namespace, requester) => {
    for (const check of checks) await check(op, obj, namespace, requester);
  };
}
