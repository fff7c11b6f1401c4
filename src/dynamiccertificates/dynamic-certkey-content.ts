/**
 * A certificate and key pair read from two files and kept current (kube's
 * DynamicCertKeyPairContent), for the serving certificate, each SNI
 * certificate and the front-proxy client certificate. Both files are read on
 * every look; the pair is swapped only when both parse, the key belongs to
 * the certificate and the certificate has not expired. A rotation that
 * writes the certificate before the key fails the match until the key
 * arrives (its own event, or the retry), while the old pair keeps serving.
 */
import { readFile } from 'node:fs/promises';
import type { X509Certificate } from 'node:crypto';
import { createLogger, type Logger } from '../observability/logger.js';
import { FileContentController, type DynamicFileOptions } from './file-content-controller.js';
import { ListenerSet, type CertKeyContent, type CertKeyContentProvider, type Listener } from './interfaces.js';
import { parseCertKeyPair, reason } from './pem.js';

export class DynamicCertKeyPairContent implements CertKeyContentProvider {
  readonly certFile: string;
  readonly keyFile: string;
  protected readonly purpose: string;
  private readonly listeners = new ListenerSet();
  private readonly controller: FileContentController;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private current: CertKeyContent = { cert: '', key: '' };
  private leaf: X509Certificate | undefined;

  /** `purpose` names the pair in logs, e.g. "serving-cert" or "aggregator-proxy-cert". */
  constructor(purpose: string, certFile: string, keyFile: string, opts: DynamicFileOptions = {}) {
    if (certFile === '' || keyFile === '') throw new Error(`${purpose}: missing filename for the certificate or key`);
    this.purpose = purpose;
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.logger = opts.logger ?? createLogger({ format: 'text', verbosity: 0 });
    this.now = opts.now ?? (() => new Date());
    this.controller = new FileContentController(`DynamicCertKeyPair-${purpose}`, [certFile, keyFile], () => this.loadCertKeyPair(), {
      ...opts,
      logger: this.logger,
    });
  }

  name(): string {
    return `${this.purpose}::${this.certFile}::${this.keyFile}`;
  }

  addListener(listener: Listener): void {
    this.listeners.addListener(listener);
  }

  currentCertKeyContent(): CertKeyContent {
    return this.current;
  }

  /** The accepted leaf certificate, or undefined before the first good load. */
  currentCertificate(): X509Certificate | undefined {
    return this.leaf;
  }

  /** Reads the files once; throws what a worker would retry. Call it before serving, so a bad pair fails the start. */
  runOnce(): Promise<void> {
    return this.loadCertKeyPair();
  }

  run(signal: AbortSignal): Promise<void> {
    return this.controller.run(signal);
  }

  enqueue(): void {
    this.controller.enqueue();
  }

  private async loadCertKeyPair(): Promise<void> {
    const cert = await this.read(this.certFile, 'certificate');
    const key = await this.read(this.keyFile, 'key');
    if (cert === this.current.cert && key === this.current.key) return;
    let leaf: X509Certificate;
    try {
      leaf = parseCertKeyPair(cert, key, this.now()).chain[0]!;
    } catch (err) {
      throw new Error(`${this.name()}: refusing the new certificate and key, keeping the previous pair: ${reason(err)}`);
    }
    this.current = { cert, key };
    this.leaf = leaf;
    this.logger.v(2).info('Loaded a new certificate and key pair', {
      name: this.name(),
      certificate: `${leaf.subject.replace(/\n/g, ',')} serial=${leaf.serialNumber} notAfter=${leaf.validTo}`,
    });
    this.listeners.notify();
  }

  private async read(file: string, what: string): Promise<string> {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`${this.name()}: cannot read the ${what} file ${file}: ${reason(err)}`);
    }
  }
}
