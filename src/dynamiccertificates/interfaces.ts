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
