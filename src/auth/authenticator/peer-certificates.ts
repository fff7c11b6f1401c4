import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

/** The client certificate a TLS peer presented, and the intermediates it sent with it. */
export interface PeerChain {
  leaf: X509Certificate;
  intermediates: X509Certificate[];
  /** The leaf's subject common name ('' when it has none) and organizations. */
  commonName: string;
  organizations: string[];
}

// A connection's certificates are fixed at the handshake, and reading them is
// costly: read once per connection, not once per request.
const chains = new WeakMap<object, PeerChain | null>();

/** The peer's certificate chain, or null when the request came without one (or not over TLS). */
export function peerChain(req: IncomingMessage): PeerChain | null {
  const socket = req.socket;
  const known = chains.get(socket);
  if (known !== undefined) return known;
  const chain = readChain(socket as Partial<TLSSocket>);
  chains.set(socket, chain);
  return chain;
}

function readChain(socket: Partial<TLSSocket>): PeerChain | null {
  if (typeof socket.getPeerCertificate !== 'function') return null;
  const detailed = socket.getPeerCertificate(true);
  if (!detailed?.raw) return null;
  const leaf = new X509Certificate(detailed.raw);
  const intermediates: X509Certificate[] = [];
  const seen = new Set<string>([leaf.fingerprint256]);
  // issuerCertificate links upwards and points at itself at a self-signed end.
  for (let c: DetailedPeerCertificate | undefined = detailed.issuerCertificate; c?.raw; c = c.issuerCertificate) {
    const x = new X509Certificate(c.raw);
    if (seen.has(x.fingerprint256)) break;
    seen.add(x.fingerprint256);
    intermediates.push(x);
  }
  const subject = detailed.subject ?? {};
  return { leaf, intermediates, commonName: allOf(subject.CN)[0] ?? '', organizations: allOf(subject.O) };
}

// Node gives a string for one value and an array for several.
const allOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
