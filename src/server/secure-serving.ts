import { recordTLSHandshakeError } from '../observability/metrics/server-metrics.js';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Clock } from '../controller/clock.js';
import type { CAContentProvider, CertKeyContentProvider, SNICertKeyContentProvider } from '../dynamiccertificates/interfaces.js';
import { StaticCAContent, StaticCertKeyContent } from '../dynamiccertificates/static-content.js';
import { TLSContextController } from '../dynamiccertificates/tls-context-controller.js';
import type { Logger } from '../observability/logger.js';
import { guardPipelinedConnections } from './pipelined-connections.js';

export interface ServingCertificates {
  certPem: string;
  keyPem: string;
  /** Client CA bundle; a client certificate is checked against it, but none is required. */
  clientCAPem: string;
}

export interface DynamicServingOptions {
  servingCert: CertKeyContentProvider;
  /** --tls-sni-cert-key, in flag order. */
  sniCerts?: readonly SNICertKeyContentProvider[];
  /** The TLS-level client CA: for kube, the union of --client-ca-file and --requestheader-client-ca-file. */
  clientCA?: CAContentProvider;
  logger?: Logger;
  clock?: Clock;
  resyncIntervalMs?: number;
}

export interface DynamicSecureServer {
  server: https.Server;
  /** Run it (tlsContext.run(signal)) for the server to follow changes of its providers. */
  tlsContext: TLSContextController;
}

/**
 * The HTTPS server in front of the chain, with credentials that follow their
 * providers: a TLSContextController swaps the server's secure context when the
 * serving certificate, an SNI certificate or the client CA changes. Client
 * certificates are requested but not required (another authenticator may
 * name the user); the x509 authenticator refuses one that does not verify.
 * Pipelined requests are guarded as guardPipelinedConnections says.
 */
export function createDynamicSecureServer(app: Express, opts: DynamicServingOptions): DynamicSecureServer {
  const tlsContext = new TLSContextController({
    servingCert: opts.servingCert,
    sniCerts: opts.sniCerts,
    clientCA: opts.clientCA,
    baseOptions: { minVersion: 'TLSv1.2' },
    logger: opts.logger,
    clock: opts.clock,
    resyncIntervalMs: opts.resyncIntervalMs,
  });
  const server = https.createServer({ ...tlsContext.serverOptions(), rejectUnauthorized: false }, app);
  tlsContext.attach(server);
  // kube counts the handshakes its server logs as "TLS handshake error from"; Node still closes the socket.
  server.on('tlsClientError', recordTLSHandshakeError);
  // kube's defaults: long-running watches must not be cut by Node's request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  // Responses queued behind a pipelined one close with their connection; malformed requests are answered in order.
  guardPipelinedConnections(server);
  return { server, tlsContext };
}

/** The same server from fixed PEM strings (nothing to run: the content never changes). */
export function createSecureServer(app: Express, certs: ServingCertificates): https.Server {
  return createDynamicSecureServer(app, {
    servingCert: new StaticCertKeyContent('serving-cert', certs.certPem, certs.keyPem),
    clientCA: new StaticCAContent('client-ca-bundle', certs.clientCAPem),
  }).server;
}

export function listen(server: https.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
