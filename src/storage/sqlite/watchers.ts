import type { Predicate, StoredObject, WatchEvent } from '../interfaces.js';
import { WatchChannel } from '../watch-channel.js';
import { decode } from './codec.js';
import type { CommittedEvent } from './group-commit.js';

/**
 * The backend's watchers, fed in-process from the commit path. Each watcher
 * gets the events after its start revision whose key it covers, converted
 * through its predicate, in revision order.
 */

export interface WatchScope {
  /** Full key for a single-key watch; full prefix (ending in `/`) for a recursive one. */
  name: string;
  recursive: boolean;
  predicate?: Predicate;
  /** Progress notification: a BOOKMARK at the commit's revision when a commit has no event for this watcher. */
  bookmarks?: boolean;
}

interface Entry extends WatchScope {
  channel: WatchChannel;
  /** Events at or before this revision were already delivered (or predate the watch). */
  after: number;
}

export class WatcherSet {
  private readonly entries = new Set<Entry>();

  /** keyOf turns a full stored name into the key as watchers name it (events carry it). */
  constructor(private readonly keyOf: (name: string) => string) {}

  get size(): number {
    return this.entries.size;
  }

  /** Registers a watcher that receives committed events newer than `after`. */
  add(scope: WatchScope, channel: WatchChannel, after: number): () => void {
    const entry: Entry = { ...scope, channel, after };
    this.entries.add(entry);
    return () => this.entries.delete(entry);
  }

  dispatch(events: CommittedEvent[]): void {
    const last = events[events.length - 1]!.revision;
    let progress: WatchEvent | undefined;
    for (const entry of this.entries) {
      let open = true;
      for (const event of events) {
        if (event.revision <= entry.after || !covers(entry, event.name)) continue;
        entry.after = event.revision;
        if (!deliver(entry.channel, event, entry.predicate, this.keyOf(event.name))) {
          this.entries.delete(entry);
          open = false;
          break;
        }
      }
      if (open && entry.bookmarks && entry.after < last) {
        // Nothing of this commit was the watcher's: tell it the backend has reached `last` anyway.
        entry.after = last;
        progress ??= { type: 'BOOKMARK', object: { metadata: { resourceVersion: String(last) } }, revision: last };
        if (!entry.channel.push(progress)) this.entries.delete(entry);
      }
    }
  }

  closeAll(): void {
    for (const entry of this.entries) entry.channel.close();
    this.entries.clear();
  }
}

export function covers(scope: WatchScope, name: string): boolean {
  return scope.recursive ? name.startsWith(scope.name) : name === scope.name;
}

/**
 * Pushes one committed event to a channel; false when the channel is closed
 * (stopped, or ended here because the predicate or a stored value failed).
 */
export function deliver(channel: WatchChannel, event: CommittedEvent, predicate: Predicate | undefined, key: string): boolean {
  let out: WatchEvent | undefined;
  try {
    out = toWatchEvent(event, predicate, key);
  } catch (err) {
    channel.push({ type: 'ERROR', object: {}, revision: event.revision, error: err as Error });
    channel.close();
    return false;
  }
  return out === undefined ? !channel.isClosed : channel.push(out);
}

/** Kube's etcd3 watcher semantics: leaving the predicate is a DELETED, entering an ADDED. */
export function toWatchEvent(e: CommittedEvent, predicate: Predicate | undefined, key: string): WatchEvent | undefined {
  const revision = e.revision;
  const current = (): StoredObject => decode(e.name, e.value!, revision);
  const previous = (): StoredObject => decode(e.name, e.prevValue!, e.prevRevision);
  // The last state, stamped with the revision at which it stopped being visible.
  const gone = (): StoredObject => decode(e.name, e.prevValue!, revision);

  if (e.created) {
    const obj = current();
    return predicate && !predicate(obj) ? undefined : { type: 'ADDED', object: obj, revision, key };
  }
  const prevObject = previous();
  if (e.deleted) {
    if (predicate && !predicate(prevObject)) return undefined;
    return { type: 'DELETED', object: gone(), prevObject, revision, key };
  }
  const obj = current();
  if (!predicate) return { type: 'MODIFIED', object: obj, prevObject, revision, key };
  const now = predicate(obj);
  const before = predicate(prevObject);
  if (now && before) return { type: 'MODIFIED', object: obj, prevObject, revision, key };
  if (now) return { type: 'ADDED', object: obj, revision, key };
  if (before) return { type: 'DELETED', object: gone(), prevObject, revision, key };
  return undefined;
}
