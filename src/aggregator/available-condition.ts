/**
 * kube-aggregator's AvailableConditionController: the `Available` condition of
 * every APIService. A local one is Available (reason Local). A service-backed
 * one is checked as the proxy would reach it (its Service, its endpoints, a
 * GET of /apis/<group>/<version> at every endpoint in parallel, 5 s each) and
 * gets kube's reasons: ServiceNotFound, ServiceAccessError, MissingEndpoints,
 * EndpointsNotFound, FailedDiscoveryCheck, or Passed.
 *
 * Status is written only when the condition changes. In a server chain it
 * runs only on the replica that holds the controllers' Lease (one writer per
 * cluster); every replica's proxy routes by the stored condition, read from
 * its own APIService cache, so all route alike. Changes of APIServices,
 * Services, Endpoints and EndpointSlices (by their kubernetes.io/service-name
 * label) re-check the APIServices they concern at once; every APIService is
 * re-checked every 30 s. The caches are the aggregator's shared informers.
 */
import { recordAPIServiceUnavailable } from '../observability/metrics/extension-metrics.js';
import { isConflict, isNotFound } from '../apimachinery/status-error.js';
import type { APIService, APIServiceCondition } from '../apis/apiregistration/v1/index.js';
import { LABEL_SERVICE_NAME } from '../apis/discovery/v1/index.js';
import { ControllerRunner } from '../controller/controller-runner.js';
import type { Informer } from '../controller/informer.js';
import type { Logger } from '../observability/logger.js';
import type { KubeObject } from '../registry/object.js';
import type { Store } from '../registry/store.js';
import type { EndpointSlice } from '../apis/discovery/v1/index.js';
import type { StoredObject } from '../storage/interfaces.js';
import type { AggregatorInformers } from './informers.js';

/** What a check found: the condition's status, reason and message. */
export interface Availability {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** Checks a service-backed APIService the way the proxy reaches it. */
export type AvailabilityCheck = (apiService: APIService, signal: AbortSignal) => Promise<Availability>;

export interface AvailableConditionOptions {
  /** The shared caches: APIServices, and the Services, Endpoints and EndpointSlices they point at. */
  informers: AggregatorInformers;
  /** The apiservices Store, written as the controller. */
  apiServices: Store;
  check: AvailabilityCheck;
  logger: Logger;
  /** Re-check period (kube: 30 s). */
  resyncMs?: number;
  /** How long one check may take (kube's discovery check: 5 s per endpoint). */
  timeoutMs?: number;
  now?: () => Date;
}

export const LOCAL_AVAILABLE: Availability = { status: 'True', reason: 'Local', message: 'Local APIServices are always available' };

export class AvailableConditionController {
  readonly apiServices: Informer<APIService>;
  readonly runner: ControllerRunner<string>;

  constructor(private readonly opts: AvailableConditionOptions) {
    this.apiServices = opts.informers.apiServices;
    this.runner = new ControllerRunner<string>({
      name: 'AvailableConditionController',
      sync: (name) => this.sync(name),
      maxRetries: Number.POSITIVE_INFINITY,
      logger: opts.logger,
    });
  }

  /**
   * Checks every APIService until the signal aborts. Its handlers are on the
   * shared informers only while it runs: it runs for a term of leadership,
   * and a later term runs a new controller.
   */
  async run(signal: AbortSignal): Promise<void> {
    const removals = this.addHandlers();
    signal.addEventListener('abort', () => removals.forEach((remove) => remove()), { once: true });
    this.opts.informers.start(signal);
    await this.opts.informers.waitForServiceSync(signal);
    const resync = setInterval(() => {
      for (const s of this.apiServices.indexer.list()) if (s.metadata?.name) this.runner.enqueue(s.metadata.name);
    }, this.opts.resyncMs ?? 30_000);
    resync.unref();
    signal.addEventListener('abort', () => clearInterval(resync), { once: true });
    await this.runner.run(signal);
  }

  /** Wakes the controller for the APIServices a change concerns; returns the handlers' removals. */
  private addHandlers(): (() => void)[] {
    const removals: (() => void)[] = [];
    const enqueue = (s: APIService) => s.metadata?.name && this.runner.enqueue(s.metadata.name);
    removals.push(this.apiServices.addEventHandler({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s), onDelete: enqueue }));
    // A Service, its Endpoints or one of its EndpointSlices changed: the APIServices that point at it are checked again.
    const forService = (ns: string | undefined, name: string | undefined) => {
      if (!name) return;
      for (const s of this.apiServices.indexer.list()) {
        if (s.spec?.service?.namespace === ns && s.spec?.service?.name === name) enqueue(s);
      }
    };
    const byName = (obj: StoredObject) => forService(obj.metadata?.namespace, obj.metadata?.name);
    const byLabel = (obj: EndpointSlice) => forService(obj.metadata?.namespace, obj.metadata?.labels?.[LABEL_SERVICE_NAME]);
    const caches = this.opts.informers.service;
    if (caches) {
      for (const inf of [caches.services, caches.endpoints] as Informer<StoredObject>[]) {
        removals.push(inf.addEventHandler({ onAdd: byName, onUpdate: (_o, x) => byName(x), onDelete: byName }));
      }
      // A slice relabelled to another Service concerns both.
      removals.push(
        caches.endpointSlices.addEventHandler({
          onAdd: byLabel,
          onUpdate: (o, x) => {
            if (o.metadata?.labels?.[LABEL_SERVICE_NAME] !== x.metadata?.labels?.[LABEL_SERVICE_NAME]) byLabel(o);
            byLabel(x);
          },
          onDelete: byLabel,
        }),
      );
    }
    return removals;
  }

  private async sync(name: string): Promise<void> {
    const s = this.apiServices.indexer.get(name);
    if (!s) return;
    let found: Availability;
    if (!s.spec?.service) {
      found = LOCAL_AVAILABLE;
    } else {
      const signal = AbortSignal.timeout(this.opts.timeoutMs ?? 5_000);
      found = await this.opts.check(s, signal).catch((err: unknown) => ({
        status: 'False' as const,
        reason: 'FailedDiscoveryCheck',
        message: `failing or missing response: ${err instanceof Error ? err.message : String(err)}`,
      }));
    }
    await this.writeCondition(s, found);
  }

  /** Sets Available as found; writes nothing when it already says so. */
  private async writeCondition(s: APIService, found: Availability): Promise<void> {
    const old = s.status?.conditions?.find((c) => c.type === 'Available');
    if (old && old.status === found.status && old.reason === found.reason && old.message === found.message) return;
    const now = (this.opts.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
    const next: APIServiceCondition = {
      type: 'Available',
      status: found.status,
      lastTransitionTime: old && old.status === found.status && old.lastTransitionTime ? old.lastTransitionTime : now,
      reason: found.reason,
      message: found.message,
    };
    if (found.status === 'False' && old?.status !== 'False') {
      this.opts.logger.warn('APIService not available', { apiService: s.metadata?.name, reason: found.reason, message: found.message });
      recordAPIServiceUnavailable(s.metadata?.name ?? '', found.reason);
    }
    try {
      await this.opts.apiServices.update(
        '',
        s.metadata!.name!,
        (current) => {
          if (!current) throw new Error('gone');
          const conditions = ((current.status as APIService['status'])?.conditions ?? []).filter((c) => c.type !== 'Available');
          return { ...current, status: { ...(current.status ?? {}), conditions: [...conditions, next] } } as KubeObject;
        },
        { subresource: 'status', preconditions: { uid: s.metadata?.uid } },
      );
    } catch (err) {
      // Gone, or changed under us: the informer brings the next version, which is checked again.
      if (!isNotFound(err) && !isConflict(err) && !(err instanceof Error && err.message === 'gone')) throw err;
    }
  }
}
