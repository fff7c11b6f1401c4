import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DetailedPeerCertificate } from 'node:tls';
import { CertPool } from '../../../src/dynamiccertificates/cert-pool.js';

/**
 * A request as the authenticators see it: headers (raw pairs kept, as Node
 * keeps them) and a socket that may present a client certificate chain.
 */
export function fakeRequest(opts: { headers?: [string, string][]; certChain?: string[] } = {}): IncomingMessage {
  const raw = (opts.headers ?? []).flat();
  const headers: Record<string, string> = {};
  for (const [k, v] of opts.headers ?? []) headers[k.toLowerCase()] = headers[k.toLowerCase()] ? `${headers[k.toLowerCase()]}, ${v}` : v;
  const socket: Record<string, unknown> = {};
  if (opts.certChain) {
    const chain = opts.certChain.map((pem) => new X509Certificate(pem));
    socket.getPeerCertificate = () => detailed(chain, 0);
  } else {
    socket.getPeerCertificate = () => ({});
  }
  return { headers, rawHeaders: raw, socket, path: '/api', originalUrl: '/api' } as unknown as IncomingMessage;
}

function detailed(chain: X509Certificate[], i: number): DetailedPeerCertificate {
  const c = chain[i]!;
  const subject: Record<string, string | string[]> = {};
  for (const line of c.subject.split('\n')) {
    const [k, ...v] = line.split('=');
    const value = v.join('=');
    const prev = subject[k!];
    subject[k!] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  const out = { raw: c.raw, subject } as unknown as DetailedPeerCertificate;
  if (i + 1 < chain.length) out.issuerCertificate = detailed(chain, i + 1);
  return out;
}

export const poolOf = (...pems: string[]) => ({ verifyOptions: () => ({ roots: new CertPool(pems.map((p) => new X509Certificate(p))) }) });
