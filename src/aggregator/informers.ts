/**
 * The aggregator's shared informers (client-go's SharedInformerFactory, for
 * the few resources the aggregator reads): one list+watch per resource, its
 * cache read by every controller and by the proxy's Service resolution.
 * Controllers add their handlers before `start`; a handler added later is
 * replayed the cache first (Informer.addEventHandler), so order does not
 * matter for correctness.
 *
 * `start` runs each informer once, however many controllers call it (they
 * all get the chain's post-start signal); it resolves when the caches asked
 * for have synced.
 */
import type { APIService } from '../apis/apiregistration/v1/index.js';
import type { Endpoints } from '../apis/core/v1/endpoints.js';
import type { Service } from '../apis/core/v1/service-types.js';
import { LABEL_SERVICE_NAME, type EndpointSlice } from '../apis/discovery/v1/index.js';
import { Informer } from '../controller/informer.js';
import type { Logger } from '../observability/logger.js';
import type { Storage } from '../storage/interfaces.js';

/** The index of EndpointSlices by "<namespace>/<kubernetes.io/service-name>". */
export const SLICES_BY_SERVICE = 'service';

const sliceServiceKey = (s: EndpointSlice): string[] => {
  const svc = s.metadata?.labels?.[LABEL_SERVICE_NAME];
  return svc ? [`${s.metadata?.namespace ?? ''}/${svc}`] : [];
};

export interface AggregatorInformersOptions {
  storage: Storage;
  apiServicesPrefix: string;
  /** Storage prefixes of core/v1 services and endpoints and discovery/v1 endpointslices; absent: no Service resolution. */
  servicesPrefix?: string;
  endpointsPrefix?: string;
  endpointSlicesPrefix?: string;
  logger: Logger;
}

/** The Service-side caches the proxy resolves through; present together. */
export interface ServiceInformers {
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
  endpointSlices: Informer<EndpointSlice>;
}

export class AggregatorInformers {
  readonly apiServices: Informer<APIService>;
  readonly service: ServiceInformers | undefined;
  private started = false;

  constructor(opts: AggregatorInformersOptions) {
    const make = <T extends APIService | Service | Endpoints | EndpointSlice>(prefix: string, indexers?: Record<string, (o: T) => string[]>) =>
      new Informer<T>({ storage: opts.storage, prefix, logger: opts.logger, indexers });
    this.apiServices = make<APIService>(opts.apiServicesPrefix);
    this.service =
      opts.servicesPrefix !== undefined && opts.endpointsPrefix !== undefined
        ? {
            services: make<Service>(opts.servicesPrefix),
            endpoints: make<Endpoints>(opts.endpointsPrefix),
            endpointSlices: make<EndpointSlice>(opts.endpointSlicesPrefix ?? '/discovery.k8s.io/endpointslices', { [SLICES_BY_SERVICE]: sliceServiceKey }),
          }
        : undefined;
  }

  private all(): Informer<never>[] {
    const s = this.service;
    return [this.apiServices, ...(s ? [s.services, s.endpoints, s.endpointSlices] : [])] as unknown as Informer<never>[];
  }

  /** Runs every informer (once, on the first call's signal). */
  start(signal: AbortSignal): void {
    if (this.started) return;
    this.started = true;
    for (const inf of this.all()) void inf.run(signal);
  }

  /** Resolves once the Service-side caches have synced (at once without them). */
  async waitForServiceSync(signal: AbortSignal): Promise<void> {
    const s = this.service;
    if (!s) return;
    await Promise.all([s.services.waitForSync(signal), s.endpoints.waitForSync(signal), s.endpointSlices.waitForSync(signal)]);
  }

  /** The EndpointSlices labelled for a Service. */
  slicesOf(namespace: string, name: string): EndpointSlice[] {
    return this.service?.endpointSlices.indexer.byIndex(SLICES_BY_SERVICE, `${namespace}/${name}`) ?? [];
  }
}
