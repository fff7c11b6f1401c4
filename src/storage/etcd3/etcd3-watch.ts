/**
 * One storage watch over one etcd watch stream. The etcd3 client's own Watcher
 * re-creates watches after a disconnect from the last *header* revision it saw,
 * which can be past events not yet delivered (a created response, or a
 * catch-up batch, carries the store's current revision); so this module owns
 * resumption: it remembers the revision of the last event it processed and, if
 * the stream breaks, opens a new one from the next revision. Events after a
 * reconnect are therefore exactly the missed ones, or an ERROR with
 * ExpiredError when etcd has compacted them away: never a silent gap.
 */
import { ClientClosedError, type Etcd3, type IEvent, type IKeyValue, type IWatchResponse } from 'etcd3';
import { ExpiredError, InvalidObjError } from '../errors.js';
import type { Predicate, StoredObject, WatchEvent, Watcher } from '../interfaces.js';
import { WatchChannel } from '../watch-channel.js';
import { decodeObject } from './codec.js';
import { isUnavailableError, unavailable } from './errors.js';
import { prefixRangeEnd } from './keys.js';

export interface EtcdWatchOptions {
  client: Etcd3;
  /** The storage key, for error messages. */
  key: string;
  /** The etcd key, or the directory (ending in `/`) when recursive. */
  etcdKey: string;
  recursive: boolean;
  /** Deliver events after this revision; undefined: from now, after the revision nowRevision() gives. */
  startAfter: number | undefined;
  predicate?: Predicate;
  /** Where a watch "from now" starts. */
  nowRevision(): Promise<number>;
  /** Told the compaction revision etcd reports when it refuses a start revision. */
  onCompacted(revision: number): void;
  /** Called once when the watch ends, whatever the reason. */
  onEnd?(): void;
}

const INITIAL_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;

type WatchStream = Awaited<ReturnType<Etcd3['watchClient']['watch']>>;

export function watchEtcd(opts: EtcdWatchOptions): Watcher {
  return new EtcdWatch(opts).channel;
}

class EtcdWatch {
  readonly channel: WatchChannel;
  /** The revision of the last event processed (delivered or filtered out); the next stream starts after it. */
  private lastRevision = 0;
  /** Whether any event was processed: until then a "from now" watch may still move its start. */
  private processedAny = false;
  /** Whether a stream broke once: from then on a compacted start is an ExpiredError, whatever the watch asked. */
  private reconnected = false;
  private stream: WatchStream | undefined;
  /** Bumped per stream, so that events and errors of a replaced stream are ignored. */
  private generation = 0;
  private stopped = false;
  private backoffMs = INITIAL_BACKOFF_MS;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: EtcdWatchOptions) {
    this.channel = new WatchChannel({ onStop: () => this.stop() });
    void this.begin();
  }

  private async begin(): Promise<void> {
    if (this.opts.startAfter !== undefined && this.opts.startAfter > 0) {
      this.lastRevision = this.opts.startAfter;
      this.connect();
      return;
    }
    await this.startFromNow();
  }

  /** Starts after the current revision, waiting out an outage rather than failing. */
  private async startFromNow(): Promise<void> {
    while (!this.stopped) {
      try {
        this.lastRevision = await this.opts.nowRevision();
        this.connect();
        return;
      } catch (err) {
        if (!isUnavailableError(err)) return this.fail(err);
        await this.sleepBackoff();
      }
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.opts.client.watchClient.watch().then(
      (stream) => {
        if (this.stopped || generation !== this.generation) return closeStream(stream);
        this.stream = stream;
        stream.on('data', (res: IWatchResponse) => {
          if (generation !== this.generation || this.stopped) return;
          if (res.canceled) {
            const compacted = Number(res.compact_revision);
            if (compacted > 0) {
              this.opts.onCompacted(compacted);
              // A "from now" watch asked for no history: if its start (the last revision this process
              // had seen) was compacted before its first stream opened, it starts at the oldest kept one.
              if (this.opts.startAfter === undefined && !this.processedAny && !this.reconnected) {
                this.lastRevision = compacted - 1;
                this.dropStream();
                this.connect();
                return;
              }
              return this.fail(new ExpiredError(this.opts.key, this.lastRevision, compacted));
            }
            return this.fail(new Error(`etcd canceled the watch on ${this.opts.key}: ${res.cancel_reason || 'no reason given'}`));
          }
          if (res.created) {
            this.backoffMs = INITIAL_BACKOFF_MS;
            return;
          }
          for (const event of res.events) {
            if (!this.handle(event)) return;
          }
        });
        const broken = (err?: unknown): void => {
          if (generation !== this.generation || this.stopped) return;
          this.dropStream();
          if (err !== undefined && !isUnavailableError(err)) return this.fail(err);
          this.reconnectLater();
        };
        stream.on('error', (err: Error) => broken(err));
        stream.on('end', () => broken());
        stream.write({
          create_request: {
            key: Buffer.from(this.opts.etcdKey),
            range_end: this.opts.recursive ? prefixRangeEnd(this.opts.etcdKey) : undefined,
            start_revision: this.lastRevision + 1,
            prev_kv: true,
          },
        });
      },
      (err: unknown) => {
        if (generation !== this.generation || this.stopped) return;
        // A closed client never comes back: end the watch instead of retrying forever.
        if (err instanceof ClientClosedError) return this.fail(unavailable(err, this.opts.key));
        if (!isUnavailableError(err)) return this.fail(err);
        this.reconnectLater();
      },
    );
  }

  /** Maps one etcd event to at most one storage event; false when the watch ended. */
  private handle(event: IEvent): boolean {
    const revision = Number(event.kv.mod_revision);
    let out: WatchEvent | undefined;
    try {
      out = this.transform(event, revision);
    } catch (err) {
      this.fail(err);
      return false;
    }
    this.lastRevision = revision;
    this.processedAny = true;
    if (out && !this.channel.push(out)) {
      this.stop();
      return false;
    }
    return true;
  }

  /** kube's watcher transform: a predicate turns entering objects into ADDED and leaving ones into DELETED. */
  private transform(event: IEvent, revision: number): WatchEvent | undefined {
    const pred = this.opts.predicate;
    const prev = event.prev_kv ? this.decode(event.prev_kv, event.prev_kv.mod_revision) : undefined;
    if (event.type === 'Delete') {
      if (!event.prev_kv || !prev) {
        throw new InvalidObjError(`etcd sent a delete event for ${event.kv.key.toString()} without its previous value`, this.opts.key, revision);
      }
      if (pred && !pred(prev)) return undefined;
      return { type: 'DELETED', object: this.decode(event.prev_kv, revision), prevObject: prev, revision };
    }
    const cur = this.decode(event.kv, revision);
    const created = event.kv.create_revision === event.kv.mod_revision;
    if (created) {
      return pred && !pred(cur) ? undefined : { type: 'ADDED', object: cur, revision };
    }
    if (!pred) return { type: 'MODIFIED', object: cur, prevObject: prev, revision };
    const curPasses = pred(cur);
    const prevPasses = prev !== undefined && pred(prev);
    if (curPasses && prevPasses) return { type: 'MODIFIED', object: cur, prevObject: prev, revision };
    if (curPasses) return { type: 'ADDED', object: cur, revision };
    if (prevPasses && event.prev_kv) {
      return { type: 'DELETED', object: this.decode(event.prev_kv, revision), prevObject: prev, revision };
    }
    return undefined;
  }

  private decode(kv: IKeyValue, revision: number | string): StoredObject {
    return decodeObject(kv.key.toString(), kv.value, revision);
  }

  private reconnectLater(): void {
    this.reconnected = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private async sleepBackoff(): Promise<void> {
    await new Promise<void>((resolve) => {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(resolve, this.backoffMs);
    });
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private dropStream(): void {
    this.generation++;
    const stream = this.stream;
    this.stream = undefined;
    if (stream) closeStream(stream);
  }

  /** Ends the watch with one ERROR event. */
  private fail(err: unknown): void {
    if (this.stopped) return;
    const error = err instanceof Error ? err : new Error(String(err));
    this.channel.push({ type: 'ERROR', object: {}, revision: this.lastRevision, error });
    this.shutdown();
    this.channel.close();
  }

  stop(): void {
    if (this.stopped) return;
    this.shutdown();
    this.channel.stop();
  }

  private shutdown(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.dropStream();
    this.opts.onEnd?.();
  }
}

/**
 * Half-closes, then cancels. The client resets every connection to the host
 * when a still-writable watch stream errors, and our own cancel surfaces as an
 * error; a half-closed stream is no longer writable, so only real failures reset.
 */
function closeStream(stream: WatchStream): void {
  stream.end();
  stream.cancel();
}
