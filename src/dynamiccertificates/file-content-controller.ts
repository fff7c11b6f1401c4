/**
 * The running half shared by every file-backed content (kube's
 * DynamicFileCAContent.Run and DynamicCertKeyPairContent.Run): a one-key
 * ControllerRunner whose sync re-reads the files, fed by file watches and by
 * a re-read every minute in case an event was missed. The queue is used only
 * for dedupe and backoff: a failed read (bad content, half-written rotation)
 * is retried rate-limited, and never gives up.
 */
import { realClock, type Clock } from '../controller/clock.js';
import { ControllerRunner } from '../controller/controller-runner.js';
import { RateLimitingQueue } from '../controller/workqueue/rate-limiting-queue.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { FileWatcher } from './file-watcher.js';
import { DEFAULT_RESYNC_MS, every } from './resync.js';

export interface DynamicFileOptions {
  /** Default: a text logger on stderr. */
  logger?: Logger;
  /** Times the resync and the retry backoff; default real time. */
  clock?: Clock;
  /** How often the files are re-read whatever the watches say; default one minute. */
  resyncIntervalMs?: number;
  /** What "now" is for expiry checks; default the wall clock. */
  now?: () => Date;
  /** Watch the files for events (default true); false leaves only the periodic re-read, for file systems without inotify. */
  watch?: boolean;
}

export class FileContentController {
  readonly runner: ControllerRunner<string>;
  private readonly files: string[];
  private readonly clock: Clock;
  private readonly resyncMs: number;
  private readonly logger: Logger;
  private readonly watch: boolean;

  /** `load` reads the files, and throws (saying which file and why) to be retried. */
  constructor(name: string, files: string[], load: () => Promise<void>, opts: DynamicFileOptions = {}) {
    this.files = files;
    this.clock = opts.clock ?? realClock;
    this.resyncMs = opts.resyncIntervalMs ?? DEFAULT_RESYNC_MS;
    this.logger = opts.logger ?? createLogger({ format: 'text', verbosity: 0 });
    this.watch = opts.watch ?? true;
    this.runner = new ControllerRunner<string>({
      name,
      // The key names the files, so the runner's error log says which ones failed.
      key: files.join(','),
      sync: () => load(),
      queue: new RateLimitingQueue<string>({ clock: this.clock }),
      maxRetries: Infinity,
      logger: this.logger,
    });
  }

  enqueue(): void {
    this.runner.enqueue();
  }

  /**
   * Watches and re-reads until the signal aborts; resolves when stopped.
   * Loads once at the start, so a change made before run() is not missed.
   */
  async run(signal: AbortSignal): Promise<void> {
    const watchers = (this.watch ? this.files : []).map((f) => new FileWatcher(f, () => this.runner.enqueue(), this.logger));
    const ensureWatches = () => {
      watchers.forEach((w, i) => {
        try {
          w.ensure();
        } catch (err) {
          this.logger.warn('cannot watch file; will retry at the next re-read', {
            controller: this.runner.name,
            file: this.files[i],
            err: err instanceof Error ? err.message : String(err),
          });
        }
      });
    };
    ensureWatches();
    every(this.clock, this.resyncMs, signal, () => {
      ensureWatches();
      this.runner.enqueue();
    });
    this.runner.enqueue();
    try {
      await this.runner.run(signal);
    } finally {
      for (const w of watchers) w.close();
    }
  }
}
