/**
 * kube-aggregator's APIServiceRegistrationController with its discovery
 * aggregation: for every service-backed APIService, its group-version is
 * claimed by the aggregator (requests go to the proxy, ahead of anything
 * served locally) and its backend's discovery document is published in /apis
 * and aggregated discovery, refreshed on change and every 30 s. A backend that
 * cannot be asked keeps its last good document, marked Stale; one that never
 * answered is listed with no resources, Stale: one broken APIService never
 * breaks the whole document (kube's issue 83332). Local APIServices (no
 * service) change nothing: their group-versions are served by the chain.
 */
import type { RequestHandler } from 'express';
import type { APIService } from '../apis/apiregistration/v1/index.js';
import { ControllerRunner } from '../controller/controller-runner.js';
import type { Informer } from '../controller/informer.js';
import type { DiscoveryManager } from '../endpoints/discovery/index.js';
import type { Logger } from '../observability/logger.js';
import type { GenericAPIServer } from '../server/generic-apiserver.js';
import type { AggregatorInformers } from './informers.js';
import { groupVersionFromAPIResourceList } from './remote-discovery.js';

/** What the registration needs of the proxy: a handler per APIService, and a GET through the same path. */
export interface APIServiceBackends {
  handlerFor(apiService: APIService): RequestHandler;
  /** GET `path` from the APIService's backend (any ready endpoint), as the proxy would send it. */
  get(apiService: APIService, path: string, signal: AbortSignal): Promise<{ status: number; body: string }>;
  /** The APIService went: its connections can close. */
  forget(name: string): void;
}

export interface APIServiceRegistrationOptions {
  /** The shared caches (this controller reads APIServices). */
  informers: AggregatorInformers;
  /** The aggregator: it claims the group-versions of service-backed APIServices. */
  server: GenericAPIServer;
  discovery: DiscoveryManager;
  backends: APIServiceBackends;
  logger: Logger;
  /** How often every backend's discovery is asked again (kube: 30 s). */
  refreshMs?: number;
  /** How long one discovery request may take (kube: 5 s for availability; discovery uses the same). */
  timeoutMs?: number;
  /** A backend's OpenAPI documents for its group-version (undefined: it went), fetched with its discovery. */
  onRemoteOpenAPI?: (group: string, version: string, docs: { v3?: Buffer; v2?: Record<string, unknown> } | undefined) => void;
}

interface Registered {
  group: string;
  version: string;
  /** The APIService as registered: a spec change re-registers. */
  fingerprint: string;
}

export class APIServiceRegistrationController {
  readonly informer: Informer<APIService>;
  readonly runner: ControllerRunner<string>;
  private readonly registered = new Map<string, Registered>();
  private readonly fetching = new Map<string, AbortController>();

  constructor(private readonly opts: APIServiceRegistrationOptions) {
    this.informer = opts.informers.apiServices;
    this.runner = new ControllerRunner<string>({
      name: 'APIServiceRegistrationController',
      sync: async (name) => this.sync(name),
      maxRetries: Number.POSITIVE_INFINITY,
      logger: opts.logger,
    });
    const enqueue = (s: APIService) => s.metadata?.name && this.runner.enqueue(s.metadata.name);
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, s) => enqueue(s), onDelete: enqueue });
  }

  /** The groups served by a backend (the aggregator answers their /apis/<group> documents). */
  remoteGroups(): Set<string> {
    return new Set([...this.registered.values()].map((r) => r.group));
  }

  async run(signal: AbortSignal): Promise<void> {
    this.opts.informers.start(signal);
    const refresh = setInterval(() => {
      for (const name of this.registered.keys()) this.fetchDiscovery(name);
    }, this.opts.refreshMs ?? 30_000);
    refresh.unref();
    signal.addEventListener('abort', () => {
      clearInterval(refresh);
      for (const c of this.fetching.values()) c.abort();
    });
    await this.runner.run(signal);
  }

  /** Resolves once every stored APIService is registered (the aggregator's mux is complete). */
  async waitForSync(signal?: AbortSignal): Promise<void> {
    await this.informer.waitForSync(signal);
    // sync is synchronous and idempotent: registering what is stored now cannot wait for the queue.
    for (const s of this.informer.indexer.list()) if (s.metadata?.name) this.sync(s.metadata.name);
  }

  private sync(name: string): void {
    const s = this.informer.indexer.get(name);
    const before = this.registered.get(name);
    const backed = s?.spec?.service ? s : undefined;
    if (!backed) {
      if (before) this.unregister(name, before);
      return;
    }
    const group = backed.spec.group ?? '';
    const version = backed.spec.version ?? '';
    const fingerprint = JSON.stringify(backed.spec);
    if (before && before.fingerprint === fingerprint) return;
    if (before && (before.group !== group || before.version !== version)) this.unregister(name, before);
    this.opts.server.claimGroupVersion(group, version, this.opts.backends.handlerFor(backed));
    this.registered.set(name, { group, version, fingerprint });
    this.updateGroupOrder(group);
    // Listed at once, Stale until its backend answers: clients see the group-version exists.
    if (!this.opts.discovery.hasGroupVersion(group, version)) this.opts.discovery.setGroupVersion({ group, version, resources: [], freshness: 'Stale' });
    this.fetchDiscovery(name);
  }

  private unregister(name: string, r: Registered): void {
    this.registered.delete(name);
    this.fetching.get(name)?.abort();
    this.fetching.delete(name);
    this.opts.server.releaseGroupVersion(r.group, r.version);
    this.opts.discovery.removeGroupVersion(r.group, r.version);
    this.opts.onRemoteOpenAPI?.(r.group, r.version, undefined);
    this.opts.backends.forget(name);
    this.updateGroupOrder(r.group);
  }

  /** A remote group's place in /apis: the highest groupPriorityMinimum, its preferred version the highest versionPriority. */
  private updateGroupOrder(group: string): void {
    const mine = this.informer.indexer.list().filter((s) => s.spec?.service && (s.spec.group ?? '') === group && this.registered.has(s.metadata?.name ?? ''));
    if (mine.length === 0) {
      this.opts.discovery.setGroupPriority(group, undefined);
      this.opts.discovery.setPreferredVersion(group, undefined);
      return;
    }
    this.opts.discovery.setGroupPriority(group, Math.max(...mine.map((s) => s.spec.groupPriorityMinimum ?? 0)));
    const best = [...mine].sort((a, b) => (b.spec.versionPriority ?? 0) - (a.spec.versionPriority ?? 0))[0]!;
    this.opts.discovery.setPreferredVersion(group, best.spec.version);
  }

  /** Asks the backend for its discovery document, without holding up the controller. */
  private fetchDiscovery(name: string): void {
    const s = this.informer.indexer.get(name);
    const r = this.registered.get(name);
    if (!s || !r || this.fetching.has(name)) return;
    const controller = new AbortController();
    this.fetching.set(name, controller);
    const timer = setTimeout(() => controller.abort(new Error('timed out')), this.opts.timeoutMs ?? 5_000);
    const path = `/apis/${r.group}/${r.version}`;
    void this.opts.backends
      .get(s, path, controller.signal)
      .then(({ status, body }) => {
        if (status !== 200) throw new Error(`${path} answered ${status}`);
        return groupVersionFromAPIResourceList(body, r.group, r.version);
      })
      .then(
        (gv) => {
          if (this.registered.get(name) !== r) return;
          this.opts.discovery.setGroupVersion(gv);
          if (this.opts.onRemoteOpenAPI) void this.fetchOpenAPI(s, r, controller.signal);
        },
        (err: unknown) => {
          if (this.registered.get(name) !== r) return;
          this.opts.logger.warn('discovery of an APIService failed; keeping its last document as stale', { apiService: name, err: String(err) });
          this.markStale(r.group, r.version);
        },
      )
      .finally(() => {
        clearTimeout(timer);
        if (this.fetching.get(name) === controller) this.fetching.delete(name);
      });
  }

  /**
   * The backend's OpenAPI: its v3 document of this group-version (found
   * through its /openapi/v3 index) and its v2 document. What fails is left as
   * it was: the documents of the other group-versions never depend on it.
   */
  private async fetchOpenAPI(s: APIService, r: Registered, signal: AbortSignal): Promise<void> {
    const docs: { v3?: Buffer; v2?: Record<string, unknown> } = {};
    try {
      const index = await this.opts.backends.get(s, '/openapi/v3', signal);
      const key = `apis/${r.group}/${r.version}`;
      const url = index.status === 200 ? (JSON.parse(index.body) as { paths?: Record<string, { serverRelativeURL?: unknown }> }).paths?.[key]?.serverRelativeURL : undefined;
      if (typeof url === 'string' && url.startsWith('/openapi/v3/')) {
        const doc = await this.opts.backends.get(s, url, signal);
        if (doc.status === 200 && isJSONObject(doc.body)) docs.v3 = Buffer.from(doc.body);
      }
      const v2 = await this.opts.backends.get(s, '/openapi/v2', signal);
      if (v2.status === 200 && isJSONObject(v2.body)) docs.v2 = JSON.parse(v2.body) as Record<string, unknown>;
    } catch (err) {
      this.opts.logger.v(2).info('OpenAPI of an APIService not fetched', { apiService: s.metadata?.name, err: String(err) });
    }
    if (this.registered.get(s.metadata?.name ?? '') === r && (docs.v3 || docs.v2)) this.opts.onRemoteOpenAPI?.(r.group, r.version, docs);
  }

  private markStale(group: string, version: string): void {
    const current = this.opts.discovery.groupVersion(group, version);
    this.opts.discovery.setGroupVersion({ group, version, resources: current?.resources ?? [], freshness: 'Stale' });
  }
}

function isJSONObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
