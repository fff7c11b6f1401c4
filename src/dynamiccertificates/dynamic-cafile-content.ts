/**
 * A CA bundle read from a file and kept current (kube's DynamicFileCAContent),
 * for --client-ca-file and --requestheader-client-ca-file. A read that finds
 * the same bytes does nothing; different bytes are parsed first and swapped
 * in only if they are a usable bundle, then every Listener is told. Bad new
 * content is refused with the file name and reason (logged by the runner,
 * retried with backoff), and the old bundle keeps serving.
 */
import { readFile } from 'node:fs/promises';
import type { X509Certificate } from 'node:crypto';
import { createLogger, type Logger } from '../observability/logger.js';
import { CertPool } from './cert-pool.js';
import { FileContentController, type DynamicFileOptions } from './file-content-controller.js';
import { ListenerSet, type CAContentProvider, type CertVerifyOptions, type Listener } from './interfaces.js';
import { parseCABundle, reason } from './pem.js';

interface CABundle {
  pem: string;
  certificates: X509Certificate[];
  pool: CertPool;
}

const EMPTY: CABundle = { pem: '', certificates: [], pool: new CertPool([]) };

export class DynamicFileCAContent implements CAContentProvider {
  readonly file: string;
  private readonly purpose: string;
  private readonly listeners = new ListenerSet();
  private readonly controller: FileContentController;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private current: CABundle = EMPTY;

  /** `purpose` names the bundle in logs, e.g. "client-ca-bundle" or "request-header". */
  constructor(purpose: string, file: string, opts: DynamicFileOptions = {}) {
    if (file === '') throw new Error(`${purpose}: missing filename for the CA bundle`);
    this.purpose = purpose;
    this.file = file;
    this.logger = opts.logger ?? createLogger({ format: 'text', verbosity: 0 });
    this.now = opts.now ?? (() => new Date());
    this.controller = new FileContentController(`DynamicCABundle-${purpose}`, [file], () => this.loadCABundle(), {
      ...opts,
      logger: this.logger,
    });
  }

  name(): string {
    return `${this.purpose}::${this.file}`;
  }

  addListener(listener: Listener): void {
    this.listeners.addListener(listener);
  }

  currentCABundleContent(): string {
    return this.current.pem;
  }

  /** The bundle's certificates as parsed, in file order. */
  currentCertificates(): readonly X509Certificate[] {
    return this.current.certificates;
  }

  verifyOptions(): CertVerifyOptions & { roots: CertPool } {
    return { roots: this.current.pool };
  }

  /** The pool to verify client certificates against; replaced (never mutated) on a change. */
  get pool(): CertPool {
    return this.current.pool;
  }

  /** Reads the file once; throws what a worker would retry. Call it before serving, so a bad file fails the start. */
  runOnce(): Promise<void> {
    return this.loadCABundle();
  }

  /** Watches and re-reads until the signal aborts. */
  run(signal: AbortSignal): Promise<void> {
    return this.controller.run(signal);
  }

  /** The Listener seam for tests and callers that know the file changed. */
  enqueue(): void {
    this.controller.enqueue();
  }

  private async loadCABundle(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      throw new Error(`${this.name()}: cannot read the CA bundle: ${reason(err)}`);
    }
    if (text === this.current.pem) return;
    let certificates: X509Certificate[];
    try {
      certificates = parseCABundle(text, this.now());
    } catch (err) {
      throw new Error(`${this.name()}: refusing the new CA bundle, keeping the previous one: ${reason(err)}`);
    }
    this.current = { pem: text, certificates, pool: new CertPool(certificates) };
    this.logger.v(2).info('Loaded a new CA Bundle and Verifier', {
      name: this.name(),
      certificates: certificates.map((c) => `${c.subject.replace(/\n/g, ',')} serial=${c.serialNumber} notAfter=${c.validTo}`),
    });
    this.listeners.notify();
  }
}
