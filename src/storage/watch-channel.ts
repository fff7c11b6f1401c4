import type { WatchEvent, Watcher } from './interfaces.js';

/**
 * The one Watcher implementation every backend returns: a producer pushes
 * events, a consumer iterates them. `limit` bounds the buffer: a consumer that
 * falls that far behind is closed (the producer sees `push` return false) and
 * re-watches, instead of growing memory without bound. Without a limit the
 * buffer is unbounded, which only the watch cache's own backend watch uses.
 */
export class WatchChannel implements Watcher {
  private readonly buffer: WatchEvent[] = [];
  private waiting: ((r: IteratorResult<WatchEvent>) => void) | undefined;
  private closed = false;
  private readonly onStop: (() => void) | undefined;
  private readonly limit: number;

  constructor(opts: { onStop?: () => void; limit?: number } = {}) {
    this.onStop = opts.onStop;
    this.limit = opts.limit ?? Number.POSITIVE_INFINITY;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Delivers an event; false when the channel is closed (or just closed for being full). */
  push(event: WatchEvent): boolean {
    if (this.closed) return false;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
      return true;
    }
    if (this.buffer.length >= this.limit) {
      this.close();
      return false;
    }
    this.buffer.push(event);
    return true;
  }

  /** Ends the stream after the buffered events; an ERROR event may be pushed first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  stop(): void {
    const wasClosed = this.closed;
    this.buffer.length = 0;
    this.close();
    if (!wasClosed) this.onStop?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => {
        const event = this.buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.closed) {
          this.onStop?.();
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
      return: () => {
        this.stop();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
