import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { requestInfoFrom } from '../endpoints/request/context.js';
import type { RequestInfo } from '../endpoints/request/request-info.js';
import type { HealthChecker } from './healthz.js';

/** Runs once after the server listens; its readiness is the `poststarthook/<name>` check. */
export type PostStartHook = (ctx: { signal: AbortSignal }) => void | Promise<void>;

/** Says whether a server serves a resource request (an installed group/version/resource). */
export type ServesResource = (info: RequestInfo) => boolean;

/**
 * One server of the chain (kube's GenericAPIServer): its own routes, then its
 * delegate. `handler` is what the server before it in the chain calls; its own
 * routes are in `routes`, which later code may extend while the server runs
 * (routes added later still come before the delegate).
 *
 * Resource requests (RequestInfo.isResourceRequest) have a path of their own, as
 * kube's go-restful containers do beside its non-resource mux: the chain asks each
 * server in order whether it serves the request's resource (a Map lookup, see
 * serveResources) and hands it straight to the first that does, without walking
 * express routers. `routes` is for non-resource paths; a resource request no
 * server claims (or whose handler passes it on) walks them as before, ending at
 * notFound.
 * What a delegate contributes besides its handler (health checks, post-start
 * hooks, listed paths, readiness of its routes) is reached through
 * the chain, so the outermost server sees everything.
 */
export class GenericAPIServer {
  readonly routes = Router();
  private readonly resources: { serves: ServesResource; handler: RequestHandler }[] = [];
  /** Whole group-versions this server answers itself, resources and discovery alike (an APIService's backend), by "group/version". */
  private readonly claims = new Map<string, RequestHandler>();
  private readonly hooks = new Map<string, PostStartHook>();
  private readonly checks: HealthChecker[] = [];
  private readonly paths = new Set<string>();
  private readonly muxComplete = new Map<string, () => boolean>();

  constructor(
    readonly name: string,
    readonly delegate?: GenericAPIServer,
  ) {}

  /** What the server before this one calls: a claimed resource request goes to its server, anything else walks the routes. */
  readonly handler: RequestHandler = (req, res, next) => {
    const info = requestInfoFrom(req);
    const claimed = this.claimFor(req.path) ?? (info?.isResourceRequest ? this.resourceHandlerFor(info) : undefined);
    if (!claimed) {
      this.walkRoutes(req, res, next);
      return;
    }
    // A handler that passes the request on (a path its resource does not answer) leaves it to the routes.
    const passOn = (err?: unknown) => (err && err !== 'route' && err !== 'router' ? next(err) : this.walkRoutes(req, res, next));
    const result: unknown = claimed(req, res, passOn);
    if (result instanceof Promise) result.catch(next);
  };

  /**
   * Serves resource requests for which `serves` is true with `handler` (kube's
   * installation of an API group). Registered later, asked later; a server's
   * lookups are asked before its delegate's.
   */
  serveResources(serves: ServesResource, handler: RequestHandler): void {
    this.resources.push({ serves, handler });
  }

  /**
   * Answers every request under /apis/<group>/<version> (its resources and its
   * discovery document) with `handler`, before anything this server or its
   * delegates serve there: kube-aggregator's proxy for a service-backed
   * APIService. Claiming again replaces the handler.
   */
  claimGroupVersion(group: string, version: string, handler: RequestHandler): void {
    this.claims.set(`${group}/${version}`, handler);
  }

  /** Gives a claimed group-version back to whatever serves it otherwise (404 when nothing does). */
  releaseGroupVersion(group: string, version: string): boolean {
    return this.claims.delete(`${group}/${version}`);
  }

  /** The claim of this server or a delegate for a path /apis/<group>/<version>[/...]. */
  private claimFor(path: string): RequestHandler | undefined {
    if (this.claims.size > 0 && path.startsWith('/apis/')) {
      const slash = path.indexOf('/', 6);
      if (slash > 6) {
        const end = path.indexOf('/', slash + 1);
        const gv = end < 0 ? path.slice(6) : path.slice(6, end);
        const handler = this.claims.get(gv);
        if (handler) return handler;
      }
    }
    return this.delegate?.claimFor(path);
  }

  private resourceHandlerFor(info: RequestInfo): RequestHandler | undefined {
    for (const r of this.resources) if (r.serves(info)) return r.handler;
    return this.delegate?.resourceHandlerFor(info);
  }

  /** This server's routes, then the delegate's, then `next`. */
  private walkRoutes(req: Request, res: Response, next: NextFunction): void {
    this.routes(req, res, (err?: unknown) => {
      if (err && err !== 'router') next(err);
      else if (this.delegate) this.delegate.walkRoutes(req, res, next);
      else next();
    });
  }

  /** Names must be unique along the whole chain, as kube insists. */
  addPostStartHook(name: string, hook: PostStartHook): void {
    if (this.postStartHooks().has(name)) throw new Error(`post-start hook ${JSON.stringify(name)} is already registered`);
    this.hooks.set(name, hook);
  }

  addHealthChecks(...checks: HealthChecker[]): void {
    this.checks.push(...checks);
  }

  addListedPaths(...paths: string[]): void {
    for (const p of paths) this.paths.add(p);
  }

  /**
   * A named readiness signal for this server's routes (kube's
   * MuxAndDiscoveryComplete): until each is true, unmatched paths get 503, not 404,
   * because the route may simply not be installed yet.
   */
  addMuxCompleteSignal(name: string, isComplete: () => boolean): void {
    this.muxComplete.set(name, isComplete);
  }

  postStartHooks(): Map<string, PostStartHook> {
    const all = new Map(this.delegate?.postStartHooks());
    for (const [k, v] of this.hooks) all.set(k, v);
    return all;
  }

  healthChecks(): HealthChecker[] {
    return [...this.checks, ...(this.delegate?.healthChecks() ?? [])];
  }

  listedPaths(): string[] {
    return [...new Set([...this.paths, ...(this.delegate?.listedPaths() ?? [])])].sort();
  }

  /** The names of the signals, along the chain, that are not complete yet. */
  pendingMuxSignals(): string[] {
    const pending = [...this.muxComplete].filter(([, done]) => !done()).map(([n]) => n);
    return [...pending, ...(this.delegate?.pendingMuxSignals() ?? [])];
  }
}
