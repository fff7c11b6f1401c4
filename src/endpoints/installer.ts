import type { Request, RequestHandler, Response } from 'express';
import { newMethodNotSupported } from '../apimachinery/status-error.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import type { ResourceInfo } from '../registry/resource-info.js';
import type { Store } from '../registry/store.js';
import type { Lifecycle } from '../server/lifecycle.js';
import type { Logger } from '../observability/logger.js';
import { requestInfoFrom } from './request/context.js';
import type { RequestInfo } from './request/request-info.js';
import { handleGet, handleList } from './handlers/read.js';
import { handleCreate, handleDelete, handleDeleteCollection, handleUpdate } from './handlers/write.js';
import { handlePatch } from './handlers/patch.js';
import { handleWatch } from './handlers/watch.js';
import { scaleHandlers } from './handlers/scale.js';
import type { ResourceContext } from './handlers/context.js';
import { claimResourceRequest } from '../observability/metrics/request-metrics.js';

export type Handler = (ctx: ResourceContext, req: Request, res: Response) => Promise<void>;

/** Subresources with a REST shape of their own: subresource → verb → handler. */
export type ExtraHandlers = Record<string, Record<string, Handler>>;

/** The verbs each path of a resource answers, derived from what its definition has (kube's installer, as a table). */
function routesOf(def: ResourceDefinition, extra: ExtraHandlers): Map<string, Map<string, Handler>> {
  const main = new Map<string, Handler>([
    ['get', handleGet],
    ['list', handleList],
    ['watch', handleWatch],
    ['create', handleCreate],
    ['update', handleUpdate],
    ['patch', handlePatch],
    ['delete', handleDelete],
    ['deletecollection', handleDeleteCollection],
  ]);
  const routes = new Map([['', main]]);
  if (def.status) {
    routes.set('status', new Map<string, Handler>([['get', handleGet], ['update', handleUpdate], ['patch', handlePatch]]));
  }
  for (const [name, sub] of Object.entries(def.subresources ?? {})) {
    routes.set(name, new Map<string, Handler>(sub.verbs.map((v) => [v, v === 'get' ? handleGet : v === 'patch' ? handlePatch : handleUpdate])));
  }
  if (def.scale) routes.set('scale', new Map<string, Handler>(Object.entries(scaleHandlers)));
  for (const [name, verbs] of Object.entries(extra)) routes.set(name, new Map(Object.entries(verbs)));
  return routes;
}

/**
 * A resource that answers only create and keeps nothing (kube's rest.Creater
 * alone, with no storage: TokenReview, SelfSubjectReview, the access
 * reviews). `create` decodes the body, decides, and writes the 201 itself.
 * Served on POST to its collection: in a namespace when it is namespaced,
 * never in one when not; every other verb is 405.
 */
export interface CreateOnlyResource {
  info: ResourceInfo;
  create: (req: Request, res: Response) => Promise<void>;
}

interface Installed {
  ctx: ResourceContext;
  routes: Map<string, Map<string, Handler>>;
}

/**
 * Serves every installed resource of one server by the request's RequestInfo,
 * so resources can be added and removed while the server runs (the CRD server
 * does): a request for anything not installed here goes to the next server.
 */
export class APIInstaller {
  private readonly installed = new Map<string, Installed>();
  private readonly createOnly = new Map<string, CreateOnlyResource>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly opts: { lifecycle?: Lifecycle; minRequestTimeoutSeconds?: number; logger?: Logger } = {}) {}

  install(def: ResourceDefinition, store: Store, extra: ExtraHandlers = {}): void {
    const { group, version, resource } = def.info;
    this.installed.set(key(group, version, resource), { ctx: { def, store, lifecycle: this.opts.lifecycle, minRequestTimeoutSeconds: this.opts.minRequestTimeoutSeconds, logger: this.opts.logger }, routes: routesOf(def, extra) });
    this.changed();
  }

  remove(group: string, version: string, resource: string): boolean {
    const removed = this.installed.delete(key(group, version, resource));
    if (removed) this.changed();
    return removed;
  }

  /** Serves a create-only resource (see CreateOnlyResource); replaces one of the same group/version/resource. */
  installCreateOnly(r: CreateOnlyResource): void {
    this.createOnly.set(key(r.info.group, r.info.version, r.info.resource), r);
    this.changed();
  }

  /** The create-only resources installed, for discovery (their one verb is create). */
  createOnlyResources(): ResourceInfo[] {
    return [...this.createOnly.values()].map((r) => r.info);
  }

  /** Everything installed, for discovery and OpenAPI. */
  definitions(): ResourceDefinition[] {
    return [...this.installed.values()].map((i) => i.ctx.def);
  }

  store(group: string, version: string, resource: string): Store | undefined {
    return this.installed.get(key(group, version, resource))?.ctx.store;
  }

  /** Called after every install or removal. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** Whether a resource request names something installed here (the server chain's lookup; `handler` still decides the path and verb). */
  serves(info: RequestInfo): boolean {
    const k = key(info.apiGroup, info.apiVersion, info.resource);
    return this.installed.has(k) || this.createOnly.has(k);
  }

  readonly handler: RequestHandler = async (req, res, next) => {
    const info = requestInfoFrom(req);
    if (!info?.isResourceRequest) return next();
    const entry = this.installed.get(key(info.apiGroup, info.apiVersion, info.resource));
    if (!entry) {
      const creater = this.createOnly.get(key(info.apiGroup, info.apiVersion, info.resource));
      if (!creater || Boolean(info.namespace) !== creater.info.namespaced) return next();
      if (info.verb !== 'create' || info.name || info.subresource) {
        throw newMethodNotSupported({ group: creater.info.group, resource: creater.info.resource }, info.verb);
      }
      claimResourceRequest(req, info);
      await creater.create(req, res);
      return;
    }
    const { ctx, routes } = entry;
    // A namespaced resource is reached by name only inside a namespace. A name that RequestInfo took
    // from a list's metadata.name field selector is not in the path: that list is served everywhere.
    const nameInPath = info.parts.length > 1;
    if (ctx.def.info.namespaced && !info.namespace && nameInPath) return next();
    // RequestInfo names a namespace for /namespaces/<name> itself; only a /namespaces/<ns>/<resource> path is namespaced.
    const namespacedPath = Boolean(info.namespace) && !(info.resource === 'namespaces' && info.apiGroup === '');
    if (!ctx.def.info.namespaced && namespacedPath) return next();
    if (ctx.def.info.namespaced && !info.namespace && info.verb !== 'list' && info.verb !== 'watch') return next();
    const verbs = routes.get(info.subresource);
    if (!verbs) return next();
    const handler = verbs.get(info.verb);
    // kube routes create on the collection and update/patch on an item only: PUT or PATCH of a
    // collection and POST to a plain item match a path but not a method (405).
    const wrongPath = info.subresource === '' && (nameInPath ? info.verb === 'create' : info.verb === 'update' || info.verb === 'patch');
    if (!handler || wrongPath) {
      throw newMethodNotSupported({ group: ctx.def.info.group, resource: ctx.def.info.resource }, info.verb);
    }
    // Reported in apiserver_request_total with this route's labels (kube's InstrumentRouteFunc).
    claimResourceRequest(req, info);
    await handler(ctx, req, res);
  };
}

const key = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;

