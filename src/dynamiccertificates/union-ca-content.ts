/**
 * Several CA bundles as one (kube's unionCAContent). The TLS server trusts the
 * union of --client-ca-file and --requestheader-client-ca-file during the
 * handshake; each authenticator then verifies against its own bundle. A
 * Listener added here is added to every part.
 */
import { CertPool } from './cert-pool.js';
import type { CAContentProvider, CertVerifyOptions, Listener } from './interfaces.js';

export class UnionCAContent implements CAContentProvider {
  private readonly parts: readonly CAContentProvider[];

  constructor(...parts: CAContentProvider[]) {
    this.parts = parts;
  }

  name(): string {
    return this.parts.map((p) => p.name()).join(',');
  }

  addListener(listener: Listener): void {
    for (const p of this.parts) p.addListener(listener);
  }

  /** Each part's bundle, newline-separated, skipping empty ones. */
  currentCABundleContent(): string {
    return this.parts
      .map((p) => p.currentCABundleContent())
      .filter((pem) => pem !== '')
      .map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`))
      .join('');
  }

  verifyOptions(): CertVerifyOptions & { roots: CertPool } {
    return { roots: new CertPool(this.parts.flatMap((p) => p.verifyOptions().roots.certificates())) };
  }
}
