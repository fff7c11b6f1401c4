/**
 * A min-heap of items by ready time (ties by insertion order), with one entry
 * per item: pushing an item again replaces its entry. Replaced entries stay in
 * the array and are skipped when they surface (lazy deletion).
 */
interface Entry<T> {
  item: T;
  readyAt: number;
  seq: number;
}

export class WaitingHeap<T> {
  private readonly heap: Entry<T>[] = [];
  private readonly current = new Map<T, Entry<T>>();
  private seq = 0;

  get size(): number {
    return this.current.size;
  }

  readyAtOf(item: T): number | undefined {
    return this.current.get(item)?.readyAt;
  }

  push(item: T, readyAt: number): void {
    const entry = { item, readyAt, seq: this.seq++ };
    this.current.set(item, entry);
    this.heap.push(entry);
    this.up(this.heap.length - 1);
  }

  /** The earliest ready time, or undefined when empty. */
  peekReadyAt(): number | undefined {
    this.dropStale();
    return this.heap[0]?.readyAt;
  }

  /** Removes and returns the earliest item if it is ready at `now`. */
  popReady(now: number): T | undefined {
    this.dropStale();
    const top = this.heap[0];
    if (!top || top.readyAt > now) return undefined;
    this.removeTop();
    this.current.delete(top.item);
    return top.item;
  }

  clear(): void {
    this.heap.length = 0;
    this.current.clear();
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.current.get(this.heap[0]!.item) !== this.heap[0]) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) return;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < h.length && this.less(h[l]!, h[min]!)) min = l;
      if (r < h.length && this.less(h[r]!, h[min]!)) min = r;
      if (min === i) return;
      [h[i], h[min]] = [h[min]!, h[i]!];
      i = min;
    }
  }
}
