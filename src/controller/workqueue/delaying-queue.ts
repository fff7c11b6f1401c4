import { realClock, type Clock } from '../clock.js';
import { Queue, type WorkQueue } from './queue.js';
import { WaitingHeap } from './waiting-heap.js';

/**
 * A work queue that can also add an item later (client-go's DelayingInterface).
 * While waiting an item is not in the queue: adding it directly meanwhile
 * queues it at once, and the delayed add later is just another (deduplicated)
 * add. An item waiting twice keeps the earlier of its two ready times. Items
 * that fall due together are added in ready-time order, ties in call order.
 */
export interface DelayingWorkQueue<T> extends WorkQueue<T> {
  addAfter(item: T, ms: number): void;
}

export interface DelayingQueueOptions {
  clock?: Clock;
}

export class DelayingQueue<T> extends Queue<T> implements DelayingWorkQueue<T> {
  protected readonly clock: Clock;
  private readonly waiting = new WaitingHeap<T>();
  /** One timer, for the earliest ready time. */
  private timer: { at: number; cancel: () => void } | undefined;

  constructor(opts: DelayingQueueOptions = {}) {
    super();
    this.clock = opts.clock ?? realClock;
  }

  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.readyAtOf(item);
    if (existing !== undefined && existing <= readyAt) return;
    this.waiting.push(item, readyAt);
    this.schedule();
  }

  /** Items waiting for their delay to pass. */
  waitingLen(): number {
    return this.waiting.size;
  }

  override shutDown(): void {
    this.stopWaiting();
    super.shutDown();
  }

  override shutDownWithDrain(): Promise<void> {
    this.stopWaiting();
    return super.shutDownWithDrain();
  }

  private stopWaiting(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.waiting.clear();
  }

  private schedule(): void {
    const at = this.waiting.peekReadyAt();
    if (at === undefined || (this.timer && this.timer.at <= at)) return;
    this.timer?.cancel();
    const cancel = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.timer = undefined;
      this.addReady();
    });
    this.timer = { at, cancel };
  }

  private addReady(): void {
    const now = this.clock.now();
    for (let item = this.waiting.popReady(now); item !== undefined; item = this.waiting.popReady(now)) {
      this.add(item);
    }
    this.schedule();
  }
}
