import type { X509Certificate } from 'node:crypto';

/**
 * The controller seam (kube's dynamiccertificates interfaces). A Notifier is
 * anything whose content can change (a CA file, a serving key pair, an
 * informer); a Listener is told that it changed and goes to look. The message
 * carries nothing, so a burst of changes costs one look, and a Listener
 * always reads the newest state, never a stale one carried in an event.
 */

/** Says that something changed, not what. Must be cheap and must not throw: it only queues work. */
export interface Listener {
  enqueue(): void;
}

export interface Notifier {
  addListener(listener: Listener): void;
}

/** The Notifier half of a content provider: keeps its Listeners and wakes them all. */
export class ListenerSet implements Notifier {
  private readonly listeners: Listener[] = [];

  addListener(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Calls enqueue() on every Listener, in the order they were added. */
  notify(): void {
    for (const listener of this.listeners) listener.enqueue();
  }

  get size(): number {
    return this.listeners.length;
  }
}

/** A serving certificate (PEM, leaf first, then any intermediates) and its private key (PEM). */
export interface CertKeyContent {
  cert: string;
  key: string;
}

/**
 * A CA bundle that can change (kube's CAContentProvider). Readers call
 * currentCABundleContent() each time they need it, never caching it across a
 * notification. A provider whose content was never loaded has none ('').
 */
export interface CAContentProvider extends Notifier {
  /** Names the content in logs (e.g. "client-ca-bundle::/etc/ca.crt"). */
  name(): string;
  /** The bundle's PEM as last accepted. */
  currentCABundleContent(): string;
  /** The bundle's certificates as a pool to verify chains against. */
  verifyOptions(): CertVerifyOptions;
}

/** Roots to verify a client certificate chain against (Go's x509.VerifyOptions, reduced). */
export interface CertVerifyOptions {
  roots: CertPoolView;
}

/** The read side of a CertPool (see cert-pool.ts). */
export interface CertPoolView {
  readonly size: number;
  certificates(): readonly X509Certificate[];
  /** Every root's PEM, one block each. */
  pems(): string[];
}

/** A certificate and key pair that can change (kube's CertKeyContentProvider). */
export interface CertKeyContentProvider extends Notifier {
  name(): string;
  /** The pair as last accepted; empty strings when never loaded. */
  currentCertKeyContent(): CertKeyContent;
}

/** An SNI certificate: the pair plus the server names it is served for. */
export interface SNICertKeyContentProvider extends CertKeyContentProvider {
  /** Names given explicitly, or else those read from the certificate (CN if a hostname, then DNS SANs). */
  sniNames(): string[];
  /** True when the names were given (on the flag): they win over names read from any certificate. */
  readonly hasExplicitNames: boolean;
}
