/**
 * The proxy to one APIService's backend (kube-aggregator's proxyHandler with
 * apimachinery's UpgradeAwareHandler): requests already authenticated and
 * authorized go to one of the service's endpoints, path and query unchanged,
 * as the authenticated user in X-Remote-* headers vouched for by the proxy's
 * client certificate. Plain requests go out on the APIService's undici pool
 * (send(): no per-request machinery beyond the request itself); upgrades go
 * through http-proxy-3.
 *
 * Contract for the server that mounts it:
 * - Mount the returned handler where the APIService's group-version is
 *   served (`/apis/<group>/<version>` and below; a mount prefix is fine, the
 *   backend gets req.originalUrl) behind the filter chain: `userFrom(req)`
 *   must name the user, and `requestInfoFrom(req)` should be set (watches
 *   and discovery deadlines are told by it). It answers every request it
 *   gets and never calls next().
 * - On a change of the APIService's spec (service, caBundle, insecure flag),
 *   create a new proxy and close() the old one; availability may change
 *   without that, through `isAvailable`.
 * - Upgrades (exec, attach, port-forward, WebSockets) arrive on the server's
 *   'upgrade' event, never through express. Either call
 *   setPendingUpgrade(req, socket, head), then run the app (filters and
 *   routing) on the request with a ServerResponse assigned to the socket:
 *   when the request reaches this handler it detaches the response and takes
 *   the socket over, and the response emits 'close' once that connection
 *   closes, as an answered one does (what filters hold until then, an
 *   in-flight seat, the drain's count, is given back); when a filter answers
 *   instead, the server ends the socket once that response finishes. Or,
 *   after authenticating and authorizing the upgrade itself, call
 *   handleUpgrade(req, socket, head) (req.url is the path forwarded). From
 *   then on the proxy owns the socket and closes it.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Agent } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';
import { ProxyServer, type ErrorCallback } from 'http-proxy-3';
import type { Dispatcher } from 'undici';
import { toURL, urlJoin } from 'http-proxy-3/dist/lib/http-proxy/common.js';
import { stream as proxyUpgradeStream } from 'http-proxy-3/dist/lib/http-proxy/passes/ws-incoming.js';
import type { Status } from '../../apimachinery/status.js';
import { newRequestEntityTooLarge } from '../../apimachinery/status-error.js';
import type { CertKeyContentProvider } from '../../dynamiccertificates/interfaces.js';
import { auditIDFrom, requestInfoFrom, userFrom } from '../../endpoints/request/context.js';
import { writeStatus } from '../../endpoints/responsewriters/status.js';
import type { Logger } from '../../observability/logger.js';
import { cancelRequestTimeout } from '../../server/filters/timeout.js';
import { createIdentityHeaderScrubber, type RequestHeaderNames } from './auth-proxy-headers.js';
import { createEndpointPicker, type EndpointPicker } from './endpoint-picker.js';
import { UpgradeExchange, WebExchange, type ExchangeOptions } from './exchange.js';
import { outgoingHeaders } from './outgoing-headers.js';
import { internalError, serviceUnavailable, writeStatusToSocket } from './proxy-status.js';
import { BodyTooLargeError, mustHoldBody, readHeldBody } from './request-body.js';
import { isServiceResolutionError, type ResolvedEndpoint, type ServiceReference, type ServiceResolver } from './resolve.js';
import { ProxyTransport, TransportBuildError } from './transport.js';
import { takePendingUpgrade } from './upgrade-context.js';

export interface APIServiceProxyOptions {
  /** The APIService's name ("v1beta1.metrics.k8s.io"); the proxy's own errors name it. */
  name: string;
  /** spec.service. */
  service: ServiceReference;
  /** spec.caBundle (base64 PEM). */
  caBundle?: string;
  /** spec.insecureSkipTLSVerify. */
  insecureSkipTLSVerify?: boolean;
  /** Finds the service's endpoints on each request (resolve.ts's createServiceResolver). */
  resolve: ServiceResolver;
  /** The certificate the proxy presents to backends (--proxy-client-cert-file); followed when it changes. */
  proxyClientCert?: CertKeyContentProvider;
  /** Spreads requests over the endpoints; default random, as kube. */
  pick?: EndpointPicker;
  /** The APIService's Available condition; while false every request gets 503 (kube's check). Default: available. */
  isAvailable?: () => boolean;
  /** This server's --requestheader-* names, removed from what clients send along with X-Remote-*. */
  requestHeaders?: RequestHeaderNames;
  logger?: Logger;
  /** TCP connect plus TLS handshake to a backend; default 30 s. */
  dialTimeoutMs?: number;
  /** The deadline of a discovery request (`/apis/<group>/<version>`); default 5 s, as kube. */
  discoveryTimeoutMs?: number;
}

export interface APIServiceProxy {
  /** The express handler (also callable with a plain request and response). */
  (req: Request, res: Response): void;
  /** Proxies an upgrade that passed authentication and authorization; takes the socket over. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Why no transport could be built (a caBundle that is not PEM): requests get 500 meanwhile, as in kube. */
  readonly transportError: TransportBuildError | undefined;
  /** Stops taking requests (503) and lets pooled connections go; requests in flight finish. */
  close(): void;
}

const DEFAULT_DIAL_TIMEOUT_MS = 30_000;
const DEFAULT_DISCOVERY_TIMEOUT_MS = 5_000;

/** Where one request goes, and as what. */
interface Route {
  endpoint: ResolvedEndpoint;
  headers: IncomingHttpHeaders;
  agent: Agent;
  dispatcher: Dispatcher;
  /** The name the backend's certificate must carry. */
  serverName: string;
}

export function createAPIServiceProxy(opts: APIServiceProxyOptions): APIServiceProxy {
  const { name, logger } = opts;
  const pick = opts.pick ?? createEndpointPicker('random');
  const scrub = createIdentityHeaderScrubber(opts.requestHeaders);
  const dialTimeoutMs = opts.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
  const discoveryTimeoutMs = opts.discoveryTimeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS;
  let transport: ProxyTransport | undefined;
  let transportError: TransportBuildError | undefined;
  try {
    transport = new ProxyTransport({
      service: opts.service,
      caBundle: opts.caBundle,
      insecureSkipTLSVerify: opts.insecureSkipTLSVerify,
      clientCert: opts.proxyClientCert,
      dialTimeoutMs,
      logger,
    });
  } catch (err) {
    if (!(err instanceof TransportBuildError)) throw err;
    transportError = err;
    logger?.warn('cannot build the transport of an APIService', { apiService: name, err: err.message });
  }
  let closed = false;

  // The response is ours to write (redirects refused, streams exempted from the timeout); redirects are never followed.
  const proxy = new ProxyServer({ selfHandleResponse: true, followRedirects: false });
  // http-proxy takes only WebSocket GETs; kube proxies any upgrade (SPDY exec and port-forward are POSTs).
  proxy.before('ws', 'checkMethodAndHeader', (req, socket, options, head, server, cb) => {
    proxyUpgradeStream(req, socket, options, head, server, cb);
    return true;
  });
  const upgradeExchanges = new WeakMap<IncomingMessage, UpgradeExchange>();
  proxy.on('proxyReqWs', (proxyReq, req) => upgradeExchanges.get(req)?.attach(proxyReq));
  // Errors of sockets already handed over (an upgraded stream reset); without a listener http-proxy throws them.
  proxy.on('error', (err) => logger?.v(4).info('proxied connection failed', { apiService: name, err: err.message }));

  /** What a request needs before it can go; or the Status to answer instead (kube's checks, in its order). */
  function route(req: IncomingMessage, upgrade: boolean): Route | Status {
    if (closed || !(opts.isAvailable?.() ?? true)) return serviceUnavailable(name, 'the APIService is not available');
    if (!transport) return internalError(name, transportError?.message ?? 'no transport');
    const user = userFrom(req);
    if (!user) return internalError(name, 'missing user');
    let endpoints: ResolvedEndpoint[];
    try {
      endpoints = opts.resolve(opts.service);
    } catch (err) {
      if (!isServiceResolutionError(err)) throw err;
      logger?.warn('error resolving the service of an APIService', { apiService: name, reason: err.reason, err: err.message });
      return serviceUnavailable(name, err.message);
    }
    if (endpoints.length === 0) return serviceUnavailable(name, `no endpoints available for service ${JSON.stringify(opts.service.name)}`);
    const endpoint = pick(endpoints);
    const headers = outgoingHeaders(req, { user, scrub, host: hostPort(endpoint), upgrade, auditID: auditIDFrom(req) });
    return { endpoint, headers, agent: transport.agent(), dispatcher: transport.dispatcher(), serverName: transport.serverName };
  }

  const exchangeOptions = (endpoint: ResolvedEndpoint): ExchangeOptions => ({ apiService: name, backend: hostPort(endpoint), dialTimeoutMs, logger });

  /**
   * A plain request, sent as http-proxy would frame it (its path normalised
   * the same way, a DELETE or OPTIONS without a length sent with
   * Content-Length: 0) on the APIService's undici pool; its answer to the
   * exchange. A body is streamed only when there is one (undici frames it
   * again: chunked unless it has a length); a held one is written whole.
   */
  function send(req: Request, res: Response, to: Route, body?: Buffer): void {
    const info = requestInfoFrom(req);
    const watch = info?.verb === 'watch';
    if (watch) cancelRequestTimeout(req);
    const headers = to.headers;
    let stream = false;
    if (body) {
      headers['content-length'] = String(body.length);
    } else if (headers['transfer-encoding'] !== undefined) {
      stream = true;
    } else {
      const length = headers['content-length'];
      if (length === undefined && (req.method === 'DELETE' || req.method === 'OPTIONS')) headers['content-length'] = '0';
      stream = length !== undefined && length !== '0';
    }
    // undici sets the framing itself and refuses to be told.
    delete headers['transfer-encoding'];
    const exchange = new WebExchange(req, res, {
      apiService: name,
      backend: hostPort(to.endpoint),
      dialTimeoutMs,
      logger,
      watch,
      deadlineMs: info && isDiscoveryPath(info.isResourceRequest, info.path) ? discoveryTimeoutMs : 0,
    });
    if (stream) req.on('error', (err) => exchange.fail(err));
    // A header undici refuses to send (a control character in a user's name) reaches the exchange as a failure.
    const options: Dispatcher.DispatchOptions & { servername: string } = {
      origin: `https://${hostPort(to.endpoint)}`,
      // undici would take the TLS name from the Host header (the endpoint), and drop the connection when it changes.
      servername: to.serverName,
      method: req.method ?? 'GET',
      path: outgoingPath(requestPath(req)),
      headers: headers as Record<string, string | string[]>,
      body: body ?? (stream ? req : null),
    };
    to.dispatcher.dispatch(options, exchange);
  }

  /** `path` is what the client asked for (an express mount strips req.url). */
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: string): void {
    cancelRequestTimeout(req);
    // Until http-proxy installs its own, a reset socket must not throw.
    socket.on('error', (err) => logger?.v(4).info('upgrade socket failed', { apiService: name, err: err.message }));
    let to: Route | Status;
    try {
      to = route(req, true);
    } catch (err) {
      to = internalError(name, err instanceof Error ? err.message : String(err));
    }
    if (isStatus(to)) {
      writeStatusToSocket(socket, to);
      return;
    }
    const exchange = new UpgradeExchange(socket, exchangeOptions(to.endpoint));
    upgradeExchanges.set(req, exchange);
    const onError: ErrorCallback = (err) => exchange.fail(err);
    const options = { target: targetOf(to.endpoint), agent: to.agent };
    try {
      asOutgoing(req, path, to.headers, () => proxy.ws(req, socket as Socket, head, options, onError));
    } catch (err) {
      exchange.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  const handler = (req: Request, res: Response): void => {
    const pending = takePendingUpgrade(req);
    if (pending) {
      // The filters ran on an upgrade with a response written to its socket: the socket is the proxy's now.
      if (res.socket === pending.socket) res.detachSocket(pending.socket as Socket);
      closeWithConnection(res, pending.socket);
      upgrade(req, pending.socket, pending.head, requestPath(req));
      return;
    }
    const to = route(req, false);
    if (isStatus(to)) {
      writeStatus(res, to);
      return;
    }
    if (!mustHoldBody(req)) {
      send(req, res, to);
      return;
    }
    readHeldBody(req).then(
      (body) => send(req, res, to, body),
      (err: unknown) => {
        if (res.headersSent) return;
        if (err instanceof BodyTooLargeError) writeStatus(res, newRequestEntityTooLarge(err.message).status);
        else res.destroy();
      },
    );
  };

  return Object.assign(handler, {
    handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => upgrade(req, socket, head, req.url ?? '/'),
    get transportError() {
      return transportError;
    },
    close() {
      closed = true;
      transport?.close();
    },
  });
}

/**
 * A response detached from its socket never emits 'close' (Node emits it when
 * the socket closes): what the filters hold until then (an in-flight seat,
 * the drain's count of requests in flight) would never be given back. The
 * exchange ends with the connection the proxy took over, so 'close' comes then.
 */
function closeWithConnection(res: Response, socket: Duplex): void {
  if (socket.destroyed) process.nextTick(() => res.emit('close'));
  else socket.once('close', () => res.emit('close'));
}

/** Behind an express mount req.url lost its prefix: the backend gets the path the client asked for. */
const requestPath = (req: Request): string => (typeof req.originalUrl === 'string' ? req.originalUrl : (req.url ?? '/'));

const isStatus = (v: Route | Status): v is Status => 'kind' in v && v.kind === 'Status';

/** Go's JoinHostPort. */
const hostPort = (ep: ResolvedEndpoint): string => (ep.host.includes(':') ? `[${ep.host}]:${ep.port}` : `${ep.host}:${ep.port}`);

/**
 * A path whose WHATWG parse is itself: no dot segments (nor %2e), no
 * backslash, no character the parser would escape, no empty query, not
 * starting with "//". http-proxy's parse costs a URL per request.
 */
const PLAIN_PATH = /^\/(?![/.]|%2e)(?:(?!\/\.|%2e)[A-Za-z0-9\-._~!$&'()*+,;=:@/%])*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?%]+)?$/i;

/** The path sent to the backend: what http-proxy sends for a target without a path (its getPath and urlJoin). */
export function outgoingPath(path: string): string {
  if (PLAIN_PATH.test(path)) return path;
  const u = toURL(path);
  return urlJoin('/', `${u.pathname}${u.search}`);
}

/** A target by parts: http-proxy reads a URL's empty port (443) as port 0. */
const targetOf = (ep: ResolvedEndpoint) => ({ protocol: 'https:', host: ep.host, port: ep.port });

/** kube's NewRequestForProxy: a non-resource path of exactly three segments is a discovery request. */
function isDiscoveryPath(isResourceRequest: boolean, path: string): boolean {
  return !isResourceRequest && path.replace(/^\/+|\/+$/g, '').split('/').length === 3;
}

/**
 * http-proxy builds the backend request from req.url and req.headers, and
 * does so synchronously inside web()/ws(): the request shows the outgoing
 * path and headers for that call only, and is itself left as it came.
 */
function asOutgoing(req: IncomingMessage, url: string, headers: IncomingHttpHeaders, send: () => void): void {
  const original = { url: req.url, headers: req.headers };
  req.url = url;
  req.headers = headers;
  try {
    send();
  } finally {
    req.url = original.url;
    req.headers = original.headers;
  }
}
