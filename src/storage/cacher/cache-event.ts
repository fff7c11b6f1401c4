import type { StoredObject, WatchEvent } from '../interfaces.js';

export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change the watch cache saw. It owns the WatchEvent instances that go to
 * watchers, built once and shared by all of them, so that the HTTP layer can
 * encode each one once (see encodeOnce). The variants a predicate needs (an
 * object entering or leaving a watcher's selection) are built lazily, also once.
 */
export class CacheEvent {
  /** The event as it happened: what every watcher without a predicate transition gets. */
  readonly event: WatchEvent;
  private added: WatchEvent | undefined;
  private deleted: WatchEvent | undefined;

  constructor(
    readonly type: ObjectEventType,
    readonly key: string,
    /** The new state; for DELETED the last state with the delete's resourceVersion. */
    readonly object: StoredObject,
    /** The state before, from the cache's own store (undefined for ADDED). */
    readonly prevObject: StoredObject | undefined,
    readonly revision: number,
  ) {
    this.event = prevObject === undefined ? { type, object, revision } : { type, object, prevObject, revision };
  }

  /** For a watcher whose predicate the object has just started to match. */
  get asAdded(): WatchEvent {
    this.added ??= { type: 'ADDED', object: this.object, revision: this.revision };
    return this.added;
  }

  /**
   * For a watcher whose predicate the object has just stopped matching: kube sends
   * the previous state, stamped with this event's resourceVersion.
   */
  get asDeleted(): WatchEvent {
    if (this.deleted === undefined) {
      const prev = this.prevObject ?? this.object;
      const object: StoredObject = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(this.revision) } };
      this.deleted = { type: 'DELETED', object, prevObject: prev, revision: this.revision };
    }
    return this.deleted;
  }
}
