/**
 * Where an APIService's backend is: kube's service resolution for the
 * aggregator (apiserver's util/proxy ResolveEndpoint and ResolveCluster, as
 * the endpoints-based availability controller words its failures). With
 * aggregator routing on (frontdoor's default: nothing here implements
 * cluster IPs) the Service's port picks the endpoint port and every ready
 * address is a candidate: from the EndpointSlices labelled
 * kubernetes.io/service-name=<service> when there is any (kube's
 * EndpointSlice-based resolution), else from the Service's Endpoints. With it
 * off, the cluster IP is the one address.
 */
import type { Endpoints } from '../../apis/core/v1/endpoints.js';
import type { Service } from '../../apis/core/v1/service-types.js';
import type { EndpointSlice } from '../../apis/discovery/v1/index.js';
import { isRecord, numberOf, recordsOf, stringOf, type JsonObject } from '../../apis/core/v1/values.js';

/** An APIService's spec.service. */
export interface ServiceReference {
  namespace: string;
  name: string;
  /** Defaulted to 443, as the APIService's defaulting does. */
  port?: number;
}

/** Reads of the stored core/v1 objects (informer caches in the server); undefined when absent. */
export interface ServiceLookups {
  getService(namespace: string, name: string): Service | undefined;
  getEndpoints(namespace: string, name: string): Endpoints | undefined;
  /** The EndpointSlices labelled kubernetes.io/service-name=<name> in the namespace; absent: none are looked at. */
  listEndpointSlices?(namespace: string, name: string): readonly EndpointSlice[];
}

export interface ResolveOptions {
  /** kube's --enable-aggregator-routing; default true here (kube's default is false). */
  enableAggregatorRouting?: boolean;
}

/** One backend address: `host` bare (an IP or, for ExternalName, a DNS name), `url` as https://host:port. */
export interface ResolvedEndpoint {
  host: string;
  port: number;
  url: string;
}

/**
 * The Available condition's reasons, as kube's availability controller
 * reports them: failures it names, and FailedDiscoveryCheck for those it
 * only passes on from the resolver (unsupported type, headless service).
 */
export type ServiceResolutionReason = 'ServiceNotFound' | 'ServicePortError' | 'EndpointsNotFound' | 'MissingEndpoints' | 'FailedDiscoveryCheck';

export class ServiceResolutionError extends Error {
  constructor(
    readonly reason: ServiceResolutionReason,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceResolutionError';
  }
}

export const isServiceResolutionError = (err: unknown): err is ServiceResolutionError => err instanceof ServiceResolutionError;

/** Every endpoint of the referenced service, or throws a ServiceResolutionError. Called per request. */
export type ServiceResolver = (ref: ServiceReference) => ResolvedEndpoint[];

export const DEFAULT_SERVICE_PORT = 443;

export function createServiceResolver(lookups: ServiceLookups, opts: ResolveOptions = {}): ServiceResolver {
  const routing = opts.enableAggregatorRouting ?? true;
  return (ref) => resolveService(ref, lookups, routing);
}

function resolveService(ref: ServiceReference, lookups: ServiceLookups, routing: boolean): ResolvedEndpoint[] {
  const port = ref.port ?? DEFAULT_SERVICE_PORT;
  const where = `service/${ref.name} in ${JSON.stringify(ref.namespace)}`;
  const svc = lookups.getService(ref.namespace, ref.name);
  if (!svc) throw new ServiceResolutionError('ServiceNotFound', `${where} is not present`);
  const spec: JsonObject = isRecord(svc.spec) ? svc.spec : {};
  const type = stringOf(spec.type) || 'ClusterIP';

  // ExternalName has no endpoints and no ports to check: its name is the address in both modes.
  // (kube resolves it only with routing off; here routing is the default, and an
  // ExternalName is how a backend outside the cluster, or on loopback, is named.)
  if (type === 'ExternalName') return [endpoint(stringOf(spec.externalName), port)];
  if (type !== 'ClusterIP' && type !== 'NodePort' && type !== 'LoadBalancer') {
    throw new ServiceResolutionError('FailedDiscoveryCheck', `unsupported service type ${JSON.stringify(type)}`);
  }
  const svcPort = recordsOf(spec.ports).find((p) => numberOf(p.port) === port);
  if (!svcPort) throw new ServiceResolutionError('ServicePortError', `${where} is not listening on port ${port}`);

  if (!routing) {
    const clusterIP = stringOf(spec.clusterIP);
    if (clusterIP === 'None') throw new ServiceResolutionError('FailedDiscoveryCheck', 'cannot route to service with ClusterIP "None"');
    if (clusterIP === '') throw new ServiceResolutionError('FailedDiscoveryCheck', `${where} has no cluster IP`);
    return [endpoint(clusterIP, port)];
  }

  const portName = stringOf(svcPort.name);
  const slices = lookups.listEndpointSlices?.(ref.namespace, ref.name) ?? [];
  if (slices.length > 0) {
    const found = sliceEndpoints(slices, (p) => stringOf(p.name) === portName);
    const byNumber = found.length > 0 ? found : sliceEndpoints(slices, (p) => numberOf(p.port) === targetPortNumber(svcPort));
    if (byNumber.length === 0) {
      throw new ServiceResolutionError('MissingEndpoints', `endpointslices for ${where} have no ready endpoints with port name ${JSON.stringify(portName)}`);
    }
    return byNumber;
  }
  const eps = lookups.getEndpoints(ref.namespace, ref.name);
  if (!eps) throw new ServiceResolutionError('EndpointsNotFound', `cannot find endpoints for ${where}`);
  const found = readyEndpoints(eps, (p) => stringOf(p.name) === portName);
  // Hand-written Endpoints (there is no endpoints controller) may leave the port unnamed: its number then decides.
  const byNumber = found.length > 0 ? found : readyEndpoints(eps, (p) => numberOf(p.port) === targetPortNumber(svcPort));
  if (byNumber.length === 0) {
    throw new ServiceResolutionError('MissingEndpoints', `endpoints for ${where} have no addresses with port name ${JSON.stringify(portName)}`);
  }
  return byNumber;
}

/** Ready addresses (never notReadyAddresses) times the matching port of each subset, without repeats. */
function readyEndpoints(eps: Endpoints, matches: (port: JsonObject) => boolean): ResolvedEndpoint[] {
  const out = new Map<string, ResolvedEndpoint>();
  for (const subset of recordsOf(eps.subsets)) {
    const port = recordsOf(subset.ports).find(matches);
    if (!port) continue;
    for (const addr of recordsOf(subset.addresses)) {
      const ip = stringOf(addr.ip);
      if (ip === '') continue;
      const ep = endpoint(ip, numberOf(port.port));
      out.set(ep.url, ep);
    }
  }
  return [...out.values()];
}

/**
 * The ready endpoints of a Service's slices (conditions.ready unset counts as
 * ready, as in kube) at the slice port that matches, without repeats (an
 * endpoint may sit in two slices while they are rebalanced). An endpoint's
 * first address is the one used, as kube's consumers do. A slice of
 * addressType FQDN gives names, resolved when connecting as an ExternalName's.
 */
function sliceEndpoints(slices: readonly EndpointSlice[], matches: (port: JsonObject) => boolean): ResolvedEndpoint[] {
  const out = new Map<string, ResolvedEndpoint>();
  for (const slice of slices) {
    const port = recordsOf(slice.ports).find(matches);
    if (!port || typeof port.port !== 'number') continue;
    for (const ep of recordsOf(slice.endpoints)) {
      if (isRecord(ep.conditions) && ep.conditions.ready === false) continue;
      const address = Array.isArray(ep.addresses) ? ep.addresses[0] : undefined;
      if (typeof address !== 'string' || address === '') continue;
      const e = endpoint(address, port.port);
      out.set(e.url, e);
    }
  }
  return [...out.values()];
}

/** targetPort when it is a number; a named or unset targetPort means the port itself. */
function targetPortNumber(svcPort: JsonObject): number {
  const t = svcPort.targetPort;
  return typeof t === 'number' && t > 0 ? t : numberOf(svcPort.port);
}

/** Go's net.JoinHostPort: an IPv6 address goes in brackets. */
function endpoint(host: string, port: number): ResolvedEndpoint {
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { host, port, url: `https://${hostPort}` };
}
