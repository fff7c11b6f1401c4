/**
 * Content that never changes (kube's NewStaticCAContent and
 * NewStaticCertKeyContent), from PEM strings: for callers and tests that have
 * the bytes rather than files. Checked once, at construction, by the same
 * rules as the dynamic contents; Listeners are accepted and never called.
 */
import type { X509Certificate } from 'node:crypto';
import { CertPool } from './cert-pool.js';
import type { CAContentProvider, CertKeyContent, CertKeyContentProvider, CertVerifyOptions, Listener, SNICertKeyContentProvider } from './interfaces.js';
import { certificateNames } from './dynamic-sni-content.js';
import { parseCABundle, parseCertKeyPair } from './pem.js';

export class StaticCAContent implements CAContentProvider {
  private readonly pool: CertPool;

  constructor(
    private readonly purpose: string,
    private readonly pem: string,
    now: Date = new Date(),
  ) {
    this.pool = new CertPool(parseBundle(purpose, pem, now));
  }

  name(): string {
    return this.purpose;
  }

  addListener(_listener: Listener): void {}

  currentCABundleContent(): string {
    return this.pem;
  }

  verifyOptions(): CertVerifyOptions & { roots: CertPool } {
    return { roots: this.pool };
  }
}

export class StaticCertKeyContent implements SNICertKeyContentProvider {
  private readonly content: CertKeyContent;
  private readonly names: string[];
  readonly hasExplicitNames: boolean;

  /** `names`: SNI names; default those of the certificate. */
  constructor(
    private readonly purpose: string,
    cert: string,
    key: string,
    names?: string[],
    now: Date = new Date(),
  ) {
    try {
      parseCertKeyPair(cert, key, now);
    } catch (err) {
      throw new Error(`${purpose}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.content = { cert, key };
    this.hasExplicitNames = names !== undefined && names.length > 0;
    this.names = this.hasExplicitNames ? names! : certificateNames(cert);
  }

  name(): string {
    return this.purpose;
  }

  addListener(_listener: Listener): void {}

  currentCertKeyContent(): CertKeyContent {
    return this.content;
  }

  sniNames(): string[] {
    return [...this.names];
  }
}

function parseBundle(purpose: string, pem: string, now: Date): X509Certificate[] {
  try {
    return parseCABundle(pem, now);
  } catch (err) {
    throw new Error(`${purpose}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
