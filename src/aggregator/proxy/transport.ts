/**
 * The connection pool to one APIService's backend (kube's transport built by
 * BuildTransportConfig): TLS checked against the APIService's caBundle for
 * the name `<service>.<namespace>.svc`, or not checked at all with
 * insecureSkipTLSVerify, presenting the aggregator's proxy client
 * certificate. Connections are kept alive and unlimited per host.
 *
 * Two pools share those settings: undici's for plain requests (its
 * dispatcher builds no ClientRequest or IncomingMessage per request, which
 * made node:http's client the largest cost of a proxied GET), and a
 * node:https agent for upgrades (http-proxy-3) and the availability probes.
 */
import https from 'node:https';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import { Agent as Dispatcher } from 'undici';
import type { CertKeyContentProvider } from '../../dynamiccertificates/interfaces.js';
import { parseCertificates } from '../../dynamiccertificates/pem.js';
import type { Logger } from '../../observability/logger.js';

export interface TransportConfig {
  /** The APIService's spec.service: its cluster DNS name is the name the backend's certificate must carry. */
  service: { namespace: string; name: string };
  /** spec.caBundle as the API carries it: base64 of PEM certificates. Empty: the system's roots. */
  caBundle?: string;
  /** spec.insecureSkipTLSVerify: the backend's certificate is not checked. */
  insecureSkipTLSVerify?: boolean;
  /** The front-proxy client certificate (--proxy-client-cert-file/--proxy-client-key-file); none when absent or empty. */
  clientCert?: CertKeyContentProvider;
  /** How long an unused kept-alive connection stays open; default 90 s (kube's IdleConnTimeout). */
  idleTimeoutMs?: number;
  /** TCP connect plus TLS handshake of a plain request's new connection; default 30 s. */
  dialTimeoutMs?: number;
  logger?: Logger;
}

/** The transport cannot be built from the APIService (a caBundle that is not PEM certificates). */
export class TransportBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportBuildError';
  }
}

/** kube's rule: the service's cluster DNS name, whatever address the connection goes to. */
export const serverNameFor = (service: { namespace: string; name: string }): string => `${service.name}.${service.namespace}.svc`;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The PEM text of a caBundle; throws TransportBuildError (client-go's words) when it is not certificates. */
export function decodeCABundle(caBundle: string): string {
  // Go's base64 decoder skips line breaks; nothing else.
  const compact = caBundle.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) {
    throw new TransportBuildError('unable to load root certificates: caBundle is not valid base64');
  }
  const pem = Buffer.from(compact, 'base64').toString('utf8');
  try {
    parseCertificates(pem);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new TransportBuildError(`unable to load root certificates: unable to parse bytes as PEM block (${why})`);
  }
  return pem;
}

const DEFAULT_IDLE_TIMEOUT_MS = 90_000;
const DEFAULT_DIAL_TIMEOUT_MS = 30_000;

interface Pools {
  agent: https.Agent;
  dispatcher: Dispatcher;
}

/**
 * An APIService's agent, replaced when the client certificate changes so
 * that new connections present the new one; requests in flight on the old
 * agent finish on their connections, which then close instead of idling.
 */
export class ProxyTransport {
  readonly serverName: string;
  readonly insecureSkipTLSVerify: boolean;
  private readonly caPem: string | undefined;
  private readonly idleTimeoutMs: number;
  private readonly dialTimeoutMs: number;
  private readonly clientCert: CertKeyContentProvider | undefined;
  private readonly logger: Logger | undefined;
  private current: Pools;
  private closed = false;

  /** Throws TransportBuildError when the caBundle is not PEM certificates. */
  constructor(cfg: TransportConfig) {
    this.serverName = serverNameFor(cfg.service);
    this.insecureSkipTLSVerify = cfg.insecureSkipTLSVerify ?? false;
    this.caPem = !this.insecureSkipTLSVerify && cfg.caBundle ? decodeCABundle(cfg.caBundle) : undefined;
    this.idleTimeoutMs = cfg.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.dialTimeoutMs = cfg.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    this.clientCert = cfg.clientCert;
    this.logger = cfg.logger;
    this.current = this.buildPools();
    if (cfg.clientCert) {
      // The provider cannot forget a Listener: a weak one lets a closed transport be collected.
      const self = new WeakRef(this);
      cfg.clientCert.addListener({ enqueue: () => self.deref()?.certificateChanged() });
    }
  }

  /** The node:https agent: upgrades (which take the connection off the pool) and probes. */
  agent(): https.Agent {
    return this.current.agent;
  }

  /** The pool for the next plain request. */
  dispatcher(): Dispatcher {
    return this.current.dispatcher;
  }

  /** Stops pooling: idle connections close now, busy ones when their request ends. */
  close(): void {
    this.closed = true;
    drain(this.current, this.logger);
  }

  private certificateChanged(): void {
    if (this.closed) return;
    try {
      const next = this.buildPools();
      drain(this.current, this.logger);
      this.current = next;
    } catch (err) {
      // The provider accepted the pair, so this is unexpected: keep serving with the old one.
      this.logger?.error('cannot use the new proxy client certificate, keeping the previous one', { err: String(err) });
    }
  }

  private buildPools(): Pools {
    const pair = this.clientCert?.currentCertKeyContent();
    const hasCert = pair !== undefined && pair.cert !== '' && pair.key !== '';
    const secureContext = tls.createSecureContext({
      minVersion: 'TLSv1.2',
      ...(this.caPem ? { ca: this.caPem } : {}),
      ...(hasCert ? { cert: pair.cert, key: pair.key } : {}),
    });
    const dispatcher = new Dispatcher({
      connections: null,
      pipelining: 1,
      // No deadline of undici's own: a watch streams for as long as it lasts; the request's timeout filter and the
      // exchange's discovery deadline bound the rest, as kube's proxy leaves it to the request's context.
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: this.idleTimeoutMs,
      keepAliveMaxTimeout: this.idleTimeoutMs,
      connect: {
        timeout: this.dialTimeoutMs,
        servername: this.serverName,
        rejectUnauthorized: !this.insecureSkipTLSVerify,
        secureContext,
      },
    });
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: Infinity,
      maxTotalSockets: Infinity,
      // Applies to pooled connections only: Node's agent closes a free socket on timeout, never a busy one.
      timeout: this.idleTimeoutMs,
      servername: this.serverName,
      rejectUnauthorized: !this.insecureSkipTLSVerify,
      secureContext,
    });
    return { agent, dispatcher };
  }
}

/** Closes the pools' idle connections now and each busy one as its request ends. */
function drain({ agent, dispatcher }: Pools, logger: Logger | undefined): void {
  agent.on('free', (socket: Socket) => socket.destroy());
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  dispatcher.close().catch((err: unknown) => logger?.warn('closing the proxy connection pool failed', { err: String(err) }));
}
