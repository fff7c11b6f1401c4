/**
 * A set of trusted roots and chain verification against them (Go's x509.CertPool
 * and Certificate.Verify with ExtKeyUsageClientAuth, reduced to what client
 * certificate authentication needs): each link must be issued and signed by
 * the next, every issuer must be a CA, every certificate valid now, and the
 * leaf, if it names extended key usages, must allow client authentication.
 */
import type { X509Certificate } from 'node:crypto';
import type { CertPoolView } from './interfaces.js';
import { notAfter, notBefore } from './pem.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const MAX_DEPTH = 10;

export class CertPool implements CertPoolView {
  private readonly roots: readonly X509Certificate[];
  private readonly fingerprints: Set<string>;

  constructor(roots: readonly X509Certificate[]) {
    this.roots = roots;
    this.fingerprints = new Set(roots.map((r) => r.fingerprint256));
  }

  get size(): number {
    return this.roots.length;
  }

  certificates(): readonly X509Certificate[] {
    return this.roots;
  }

  pems(): string[] {
    return this.roots.map((r) => r.toString());
  }

  /**
   * The chain from leaf to a root (leaf first), or throws saying why none
   * verifies. Intermediates are untrusted helpers, as a TLS peer sends them.
   */
  verify(leaf: X509Certificate, intermediates: readonly X509Certificate[] = [], now: Date = new Date()): X509Certificate[] {
    const eku = leaf.keyUsage as string[] | undefined;
    if (eku && eku.length > 0 && !eku.includes(CLIENT_AUTH) && !eku.includes(ANY_EKU)) {
      throw new Error('x509: certificate specifies an incompatible key usage');
    }
    const chain = this.build([leaf], intermediates, now);
    if (!chain) throw new Error(`x509: certificate signed by unknown authority (or expired in its chain): ${leaf.subject.replace(/\n/g, ', ')}`);
    return chain;
  }

  private build(chain: X509Certificate[], intermediates: readonly X509Certificate[], now: Date): X509Certificate[] | undefined {
    const cur = chain[chain.length - 1]!;
    if (!validAt(cur, now)) return undefined;
    if (this.fingerprints.has(cur.fingerprint256)) return chain;
    if (chain.length > MAX_DEPTH) return undefined;
    for (const candidate of [...this.roots, ...intermediates]) {
      if (chain.some((c) => c.fingerprint256 === candidate.fingerprint256)) continue;
      if (!candidate.ca || !cur.checkIssued(candidate) || !cur.verify(candidate.publicKey)) continue;
      const found = this.build([...chain, candidate], intermediates, now);
      if (found) return found;
    }
    return undefined;
  }
}

function validAt(cert: X509Certificate, now: Date): boolean {
  return notBefore(cert).getTime() <= now.getTime() && now.getTime() <= notAfter(cert).getTime();
}
