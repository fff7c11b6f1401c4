/**
 * Keeps a TLS server's credentials equal to its content providers (kube's
 * DynamicServingCertificateController, tlsconfig.go). It is a Listener of the
 * serving certificate, every SNI certificate and the client CA; its sync
 * builds new secure contexts from their current contents and, only when all
 * of them built, swaps them in: server.setSecureContext for the default
 * context and a new name map for SNICallback. Connections already open keep
 * the context they were made with; new connections get the new one. It also
 * re-enqueues itself every minute, and a sync with nothing changed is a no-op.
 *
 * The session id context is derived from the client CA bundle, so a TLS
 * session made under an old client CA cannot be resumed under a new one (the
 * resumed session would carry the old verification result).
 */
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { realClock, type Clock } from '../controller/clock.js';
import { ControllerRunner } from '../controller/controller-runner.js';
import { RateLimitingQueue } from '../controller/workqueue/rate-limiting-queue.js';
import { createLogger, type Logger } from '../observability/logger.js';
import type { CAContentProvider, CertKeyContentProvider, Listener, SNICertKeyContentProvider } from './interfaces.js';
import { buildNameMap, lookupName, type NamedEntry } from './named-certificates.js';
import { DEFAULT_RESYNC_MS, every } from './resync.js';

export interface TLSContextControllerOptions {
  servingCert: CertKeyContentProvider;
  /** In --tls-sni-cert-key order: an earlier one wins a name that several claim. */
  sniCerts?: readonly SNICertKeyContentProvider[];
  /** Client certificates are verified against it; none means client certificates are not requested. */
  clientCA?: CAContentProvider;
  /** Settings that do not rotate (minVersion, ciphers...), applied to every context. */
  baseOptions?: tls.SecureContextOptions;
  logger?: Logger;
  clock?: Clock;
  /** Default one minute. */
  resyncIntervalMs?: number;
}

/** The server half the controller drives; an https.Server or tls.Server. */
export interface SecureContextTarget {
  setSecureContext(options: tls.SecureContextOptions): void;
}

type SNICallback = NonNullable<tls.TlsOptions['SNICallback']>;

const KEY = 'DynamicServingCertificateController';

export class TLSContextController implements Listener {
  readonly runner: ControllerRunner<string>;
  private readonly opts: TLSContextControllerOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private target: SecureContextTarget | undefined;
  private applied = '';
  private defaultOptions: tls.SecureContextOptions = {};
  private sniContexts: ReadonlyMap<string, tls.SecureContext> = new Map();

  /** Builds the first contexts now, from the providers' current contents; throws if they do not build. */
  constructor(opts: TLSContextControllerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? createLogger({ format: 'text', verbosity: 0 });
    this.runner = new ControllerRunner<string>({
      name: KEY,
      key: KEY,
      sync: async () => this.sync(),
      queue: new RateLimitingQueue<string>({ clock: this.clock }),
      maxRetries: Infinity,
      logger: this.logger,
    });
    this.sync();
    opts.servingCert.addListener(this);
    for (const sni of opts.sniCerts ?? []) sni.addListener(this);
    opts.clientCA?.addListener(this);
  }

  /** What to create the server with: the current default credentials, and the SNI selector. */
  serverOptions(): tls.TlsOptions {
    return { ...this.defaultOptions, SNICallback: this.sniCallback, requestCert: this.opts.clientCA !== undefined };
  }

  /** The server whose context later syncs replace (the one created with serverOptions()). */
  attach(target: SecureContextTarget): void {
    this.target = target;
  }

  enqueue(): void {
    this.runner.enqueue();
  }

  /** Rebuilds now, outside the queue; throws what a worker would retry. */
  async runOnce(): Promise<void> {
    this.sync();
  }

  /** Runs the worker and the one-minute resync until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    every(this.clock, this.opts.resyncIntervalMs ?? DEFAULT_RESYNC_MS, signal, () => this.runner.enqueue());
    this.runner.enqueue();
    await this.runner.run(signal);
  }

  /** Picks the SNI certificate for the client's server name; undefined means the default one. */
  readonly sniCallback: SNICallback = (serverName, cb) => {
    cb(null, lookupName(this.sniContexts, serverName));
  };

  private sync(): void {
    const serving = this.opts.servingCert.currentCertKeyContent();
    if (serving.cert === '' || serving.key === '') throw new Error(`${this.opts.servingCert.name()}: no serving certificate loaded`);
    const ca = this.opts.clientCA?.currentCABundleContent() ?? '';
    if (this.opts.clientCA && ca === '') throw new Error(`${this.opts.clientCA.name()}: no client CA bundle loaded`);
    const snis = (this.opts.sniCerts ?? [])
      .map((p) => ({ provider: p, content: p.currentCertKeyContent(), names: p.sniNames(), explicit: p.hasExplicitNames }))
      .filter((s) => s.content.cert !== '' && s.content.key !== '');

    const fingerprint = hash(JSON.stringify([serving, ca, snis.map((s) => [s.content, s.names, s.explicit])]));
    if (fingerprint === this.applied) return;

    const base: tls.SecureContextOptions = {
      minVersion: 'TLSv1.2',
      ...this.opts.baseOptions,
      ...(ca !== '' ? { ca } : {}),
      sessionIdContext: hash(`client-ca:${ca}`).slice(0, 32),
    };
    const defaultOptions: tls.SecureContextOptions = { ...base, cert: serving.cert, key: serving.key };
    // Build everything first: a failure leaves the old contexts serving.
    tls.createSecureContext(defaultOptions);
    const entries: NamedEntry<tls.SecureContext>[] = snis.map((s) => ({
      names: s.names,
      explicit: s.explicit,
      value: tls.createSecureContext({ ...base, cert: s.content.cert, key: s.content.key }),
    }));
    const sniContexts = buildNameMap(entries);

    this.target?.setSecureContext(defaultOptions);
    this.defaultOptions = defaultOptions;
    this.sniContexts = sniContexts;
    this.applied = fingerprint;
    this.logger.v(2).info('Loaded new TLS serving credentials', {
      servingCert: this.opts.servingCert.name(),
      clientCA: this.opts.clientCA?.name() ?? '',
      sniNames: [...sniContexts.keys()],
    });
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
