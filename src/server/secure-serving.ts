import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ServingCertificates {
  certPem: string;
  keyPem: string;
  /** Client CA bundle; a client certificate is checked against it, but none is required. */
  clientCAPem: string;
}

/**
 * The HTTPS server in front of the chain. Client certificates are requested
 * but not required (another authenticator may name the user); the x509
 * authenticator refuses one that does not verify.
 */
export function createSecureServer(app: Express, certs: ServingCertificates): https.Server {
  const server = https.createServer(
    {
      cert: certs.certPem,
      key: certs.keyPem,
      ca: certs.clientCAPem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    app,
  );
  // kube's defaults: long-running watches must not be cut by Node's request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return server;
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
