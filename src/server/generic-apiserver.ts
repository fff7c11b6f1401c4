import { Router } from 'express';
import type { HealthChecker } from './healthz.js';

/** Runs once after the server listens; its readiness is the `poststarthook/<name>` check. */
export type PostStartHook = (ctx: { signal: AbortSignal }) => void | Promise<void>;

/**
 * One server of the chain (kube's GenericAPIServer): its own routes, then its
 * delegate. `handler` is what the server before it in the chain calls; its own
 * routes are in `routes`, which later code may extend while the server runs
 * (routes added later still come before the delegate).
 * What a delegate contributes besides its handler (health checks, post-start
 * hooks, listed paths, readiness of its routes) is reached through
 * the chain, so the outermost server sees everything.
 */
export class GenericAPIServer {
  readonly routes = Router();
  readonly handler = Router();
  private readonly hooks = new Map<string, PostStartHook>();
  private readonly checks: HealthChecker[] = [];
  private readonly paths = new Set<string>();
  private readonly muxComplete = new Map<string, () => boolean>();

  constructor(
    readonly name: string,
    readonly delegate?: GenericAPIServer,
  ) {
    this.handler.use(this.routes);
    if (delegate) this.handler.use(delegate.handler);
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
