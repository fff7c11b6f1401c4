/**
 * The backends of service-backed APIServices, as the aggregator's controllers
 * see them: one proxy per APIService (rebuilt when its spec changes), its
 * Service resolved through the shared informer caches of core/v1 Services and
 * Endpoints and discovery/v1 EndpointSlices,
 * GETs through the same transport and client certificate for discovery, and
 * the availability check (kube's AvailableConditionController: every endpoint
 * asked for /apis/<group>/<version> in parallel, the first 2xx passes).
 *
 * The aggregator's own requests (discovery, availability) are sent as kube
 * sends them: user system:kube-aggregator in group system:masters, vouched for
 * by the proxy client certificate.
 */
import https from 'node:https';
import type { RequestHandler } from 'express';
import type { APIService } from '../apis/apiregistration/v1/index.js';
import type { CertKeyContentProvider } from '../dynamiccertificates/interfaces.js';
import type { Logger } from '../observability/logger.js';
import type { APIServiceBackends } from './apiservice-registration.js';
import type { Availability } from './available-condition.js';
import type { AggregatorInformers, ServiceInformers } from './informers.js';
import {
  createAPIServiceProxy,
  createServiceResolver,
  isServiceResolutionError,
  ProxyTransport,
  TransportBuildError,
  type APIServiceProxy,
  type RequestHeaderNames,
  type ResolvedEndpoint,
  type ServiceReference,
  type ServiceResolver,
} from './proxy/index.js';

export interface BackendsOptions {
  /** The shared caches; their Service side (services, endpoints, endpointslices) must be present. */
  informers: AggregatorInformers;
  /** The client certificate presented to backends (--proxy-client-cert-file). */
  proxyClientCert?: CertKeyContentProvider;
  /** This server's --requestheader-* names: clients' copies are removed before a request leaves. */
  requestHeaders?: RequestHeaderNames;
  /** kube's --enable-aggregator-routing (default true here). */
  enableAggregatorRouting?: boolean;
  /** Whether an APIService is Available now (its condition): kube's proxy answers 503 while it is not. */
  isAvailable: (name: string) => boolean;
  logger: Logger;
}

interface Entry {
  fingerprint: string;
  proxy: APIServiceProxy;
  /** For the aggregator's own GETs; built lazily, undefined while the caBundle is unusable. */
  transport?: ProxyTransport;
}

const AGGREGATOR_USER = 'system:kube-aggregator';
const AGGREGATOR_GROUP = 'system:masters';

const serviceRef = (s: APIService): ServiceReference => {
  const svc = s.spec.service!;
  return { namespace: svc.namespace ?? '', name: svc.name ?? '', port: svc.port ?? 443 };
};

export class APIServiceBackendSet implements APIServiceBackends {
  private readonly resolve: ServiceResolver;
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly opts: BackendsOptions) {
    const caches: ServiceInformers | undefined = opts.informers.service;
    if (!caches) throw new Error('the aggregator\'s backends need the Service, Endpoints and EndpointSlice informers');
    const informers = opts.informers;
    this.resolve = createServiceResolver(
      {
        getService: (ns, name) => caches.services.indexer.get(`${ns}/${name}`),
        getEndpoints: (ns, name) => caches.endpoints.indexer.get(`${ns}/${name}`),
        listEndpointSlices: (ns, name) => informers.slicesOf(ns, name),
      },
      { enableAggregatorRouting: opts.enableAggregatorRouting ?? true },
    );
  }

  /** Runs the shared caches (once for all their users); resolves once the Service-side ones are filled. */
  async start(signal: AbortSignal): Promise<void> {
    this.opts.informers.start(signal);
    signal.addEventListener('abort', () => {
      for (const name of [...this.entries.keys()]) this.forget(name);
    });
    await this.opts.informers.waitForServiceSync(signal);
  }

  /**
   * A Service's endpoints through the same caches (another server's webhook
   * client, e.g. CRD conversion); throws a ServiceResolutionError.
   */
  resolveService(ref: ServiceReference): ResolvedEndpoint[] {
    return this.resolve(ref);
  }

  handlerFor(s: APIService): RequestHandler {
    const name = s.metadata?.name ?? '';
    const entry = this.entryFor(s);
    return entry.proxy as unknown as RequestHandler;
  }

  /** The proxy of an APIService, for upgrades (they bypass express). */
  proxyFor(name: string): APIServiceProxy | undefined {
    return this.entries.get(name)?.proxy;
  }

  forget(name: string): void {
    const e = this.entries.get(name);
    if (!e) return;
    this.entries.delete(name);
    e.proxy.close();
    e.transport?.close();
  }

  async get(s: APIService, path: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
    const endpoints = this.resolve(serviceRef(s));
    const endpoint = endpoints[Math.floor(Math.random() * endpoints.length)]!;
    return this.getFrom(s, endpoint, path, signal);
  }

  /** kube's availability check of a service-backed APIService. */
  async check(s: APIService, signal: AbortSignal): Promise<Availability> {
    const ref = serviceRef(s);
    let endpoints: ResolvedEndpoint[];
    try {
      endpoints = this.resolve(ref);
    } catch (err) {
      if (isServiceResolutionError(err)) return { status: 'False', reason: err.reason === 'ServicePortError' ? 'ServiceAccessError' : err.reason, message: err.message };
      throw err;
    }
    const path = `/apis/${s.spec.group ?? ''}/${s.spec.version ?? ''}`;
    const failures: string[] = [];
    const attempts = endpoints.map(async (e) => {
      try {
        const { status } = await this.getFrom(s, e, path, signal);
        if (status >= 200 && status < 300) return true;
        failures.push(`bad status from ${e.url}${path}: ${status}`);
      } catch (err) {
        failures.push(`failing or missing response from ${e.url}${path}: ${err instanceof Error ? err.message : String(err)}`);
      }
      return false;
    });
    const results = await Promise.all(attempts);
    if (results.some((ok) => ok)) return { status: 'True', reason: 'Passed', message: 'all checks passed' };
    return { status: 'False', reason: 'FailedDiscoveryCheck', message: failures.sort().join(', ') || `no response from ${path}` };
  }

  private entryFor(s: APIService): Entry {
    const name = s.metadata?.name ?? '';
    const fingerprint = JSON.stringify(s.spec);
    const existing = this.entries.get(name);
    if (existing && existing.fingerprint === fingerprint) return existing;
    if (existing) this.forget(name);
    const proxy = createAPIServiceProxy({
      name,
      service: serviceRef(s),
      caBundle: s.spec.caBundle,
      insecureSkipTLSVerify: s.spec.insecureSkipTLSVerify,
      resolve: this.resolve,
      proxyClientCert: this.opts.proxyClientCert,
      isAvailable: () => this.opts.isAvailable(name),
      requestHeaders: this.opts.requestHeaders,
      logger: this.opts.logger,
    });
    const entry: Entry = { fingerprint, proxy };
    this.entries.set(name, entry);
    return entry;
  }

  private transportOf(s: APIService): ProxyTransport {
    const entry = this.entryFor(s);
    entry.transport ??= new ProxyTransport({
      service: serviceRef(s),
      caBundle: s.spec.caBundle,
      insecureSkipTLSVerify: s.spec.insecureSkipTLSVerify,
      clientCert: this.opts.proxyClientCert,
      logger: this.opts.logger,
    });
    return entry.transport;
  }

  /** One GET to one endpoint, as the aggregator itself; the body is bounded (discovery documents are small). */
  private getFrom(s: APIService, endpoint: ResolvedEndpoint, path: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
    let transport: ProxyTransport;
    try {
      transport = this.transportOf(s);
    } catch (err) {
      if (err instanceof TransportBuildError) return Promise.reject(err);
      throw err;
    }
    const LIMIT = 16 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: endpoint.host,
          port: endpoint.port,
          path,
          method: 'GET',
          agent: transport.agent(),
          servername: transport.serverName,
          headers: { Accept: 'application/json', 'X-Remote-User': AGGREGATOR_USER, 'X-Remote-Group': AGGREGATOR_GROUP },
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > LIMIT) {
              req.destroy(new Error(`the answer is larger than ${LIMIT} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}
