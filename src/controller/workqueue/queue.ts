/**
 * The work queue's contract (client-go's workqueue):
 *
 * - Fair: items are handed out in the order they were added (FIFO).
 * - Stingy: an item added many times before a worker gets it is handed out
 *   once. Items are compared as Set members do (===): use strings or numbers
 *   as keys, never objects built afresh for each add.
 * - Never processed concurrently with itself: an item added while a worker
 *   holds it (between get() and done()) is marked dirty and handed out again
 *   only after done(). So a change that arrives mid-sync is never lost, and
 *   no two workers ever sync the same key at once.
 * - Many workers: any number of get() calls may wait; each item goes to one.
 * - Shutdown: after shutDown() adds are ignored; items already queued are
 *   still handed out, then every get() resolves with `shutdown: true`.
 *   shutDownWithDrain() also waits until every handed-out item is done().
 */
export type QueueGetResult<T> = { item: T; shutdown: false } | { shutdown: true };

export interface WorkQueue<T> {
  add(item: T): void;
  /** Items waiting to be handed out (not those being processed). */
  len(): number;
  /** The next item, waiting for one if the queue is empty; every item got must be done(). */
  get(): Promise<QueueGetResult<T>>;
  /** Marks the item processed; if it was added meanwhile it is queued again. */
  done(item: T): void;
  shutDown(): void;
  /** Shuts down and resolves once no item is being processed. */
  shutDownWithDrain(): Promise<void>;
  shuttingDown(): boolean;
}

export class Queue<T> implements WorkQueue<T> {
  /** Order of handing out; every member is also in dirty and none is in processing. */
  private readonly queue: T[] = [];
  /** Items that need processing (queued, or re-added while processing). */
  private readonly dirty = new Set<T>();
  /** Items handed out and not yet done(). */
  private readonly processing = new Set<T>();
  private readonly getters: ((result: QueueGetResult<T>) => void)[] = [];
  private drainers: (() => void)[] = [];
  private stopping = false;

  add(item: T): void {
    if (this.stopping || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.queue.push(item);
    this.handOut();
  }

  len(): number {
    return this.queue.length;
  }

  get(): Promise<QueueGetResult<T>> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.stopping) return Promise.resolve({ shutdown: true });
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(item: T): void {
    if (!this.processing.delete(item)) return;
    if (this.dirty.has(item)) {
      this.queue.push(item);
      this.handOut();
    }
    if (this.processing.size === 0) this.releaseDrainers();
  }

  shutDown(): void {
    this.stopping = true;
    // A plain shutDown ends a drain that is waiting, as client-go's does.
    this.releaseDrainers();
    this.releaseGetters();
  }

  shutDownWithDrain(): Promise<void> {
    this.stopping = true;
    this.releaseGetters();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainers.push(resolve));
  }

  shuttingDown(): boolean {
    return this.stopping;
  }

  /** Gives queued items to waiting getters, oldest getter first. */
  private handOut(): void {
    while (this.queue.length > 0 && this.getters.length > 0) {
      const resolve = this.getters.shift()!;
      resolve(this.take());
    }
  }

  private take(): QueueGetResult<T> {
    const item = this.queue.shift()!;
    this.dirty.delete(item);
    this.processing.add(item);
    return { item, shutdown: false };
  }

  /** Only called once stopping: the queue is empty, since getters wait only on an empty queue. */
  private releaseGetters(): void {
    for (const resolve of this.getters.splice(0)) resolve({ shutdown: true });
  }

  private releaseDrainers(): void {
    const drainers = this.drainers;
    this.drainers = [];
    for (const resolve of drainers) resolve();
  }
}
