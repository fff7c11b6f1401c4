import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { FakeClock } from '../../src/controller/clock.js';
import { NAMESPACE_INDEX } from '../../src/controller/indexer.js';
import { Informer, type ResourceEventHandler } from '../../src/controller/informer.js';
import { UnavailableError } from '../../src/storage/errors.js';
import type { ListOptions, ListResult, Storage, StoredObject, WatchEvent, Watcher, WatchOptions } from '../../src/storage/interfaces.js';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { WatchChannel } from '../../src/storage/watch-channel.js';
import { makeTempDir } from '../helpers/tmp.js';
import { capturingLogger, waitFor } from './helpers.js';

/** A real SQLite storage in a temp dir, closed and removed when the test ends. */
async function openStorage(t: TestContext): Promise<SqliteStorage> {
  const dir = await makeTempDir('frontdoor-informer-');
  const storage = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
  t.after(async () => {
    await storage.close();
    await dir.remove();
  });
  return storage;
}

const ns = (name: string, labels: Record<string, string> = {}): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const cm = (namespace: string, name: string): StoredObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
const nameOf = (o: StoredObject): string => o.metadata?.name ?? '?';

/** Records every notification as a short string, in order. */
function recorder(): ResourceEventHandler<StoredObject> & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    onAdd: (o, initial) => log.push(`add:${nameOf(o)}${initial ? ':initial' : ''}`),
    onUpdate: (old, o) =>
      log.push(old === o ? `resync:${nameOf(o)}` : `update:${nameOf(o)}:${String(old.metadata?.resourceVersion)}->${String(o.metadata?.resourceVersion)}`),
    onDelete: (o, unknown) => log.push(`delete:${nameOf(o)}${unknown ? ':unknown' : ''}`),
  };
}

/** Runs the informer until the test ends. */
function start(t: TestContext, informer: Informer): Promise<void> {
  const ac = new AbortController();
  const done = informer.run(ac.signal);
  t.after(async () => {
    ac.abort();
    await done;
  });
  return done;
}

/**
 * Storage that passes everything to a real one, but lets the test cut the
 * informer's watches, drop their events for a while (a network gap), and fail
 * the next lists.
 */
class GappyStorage implements Storage {
  lists = 0;
  failLists = 0;
  paused = false;
  readonly seen: WatchEvent[] = [];
  private readonly open = new Set<{ channel: WatchChannel; inner: Watcher }>();

  constructor(private readonly inner: Storage) {}

  create = (key: string, obj: StoredObject) => this.inner.create(key, obj);
  get = (key: string) => this.inner.get(key);
  guaranteedUpdate: Storage['guaranteedUpdate'] = (key, fn, opts) => this.inner.guaranteedUpdate(key, fn, opts);
  delete: Storage['delete'] = (key, opts) => this.inner.delete(key, opts);
  count = (prefix: string) => this.inner.count(prefix);
  currentRevision = () => this.inner.currentRevision();

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.lists++;
    if (this.failLists > 0) {
      this.failLists--;
      throw new UnavailableError('storage is down (test)');
    }
    return this.inner.list(prefix, opts);
  }

  watch(key: string, opts?: WatchOptions): Watcher {
    const inner = this.inner.watch(key, opts);
    const entry = { inner, channel: new WatchChannel({ onStop: () => inner.stop() }) };
    this.open.add(entry);
    void (async () => {
      for await (const event of inner) {
        if (this.paused && event.type !== 'ERROR') continue;
        this.seen.push(event);
        entry.channel.push(event);
      }
      entry.channel.close();
      this.open.delete(entry);
    })();
    return entry.channel;
  }

  /** Ends every open watch cleanly, as a restart or a dropped connection would. */
  cutWatches(): void {
    for (const { channel, inner } of this.open) {
      channel.close();
      inner.stop();
    }
    this.open.clear();
  }

  /** Ends every open watch with an ERROR event carrying this error. */
  failWatches(error: Error): void {
    for (const { channel, inner } of this.open) {
      channel.push({ type: 'ERROR', object: {}, revision: 0, error });
      channel.close();
      inner.stop();
    }
    this.open.clear();
  }

  get openWatches(): number {
    return this.open.size;
  }
}

describe('Informer over SQLite storage', () => {
  it('lists everything (paged), tells onAdd for each as initial, then reports synced', async (t) => {
    const storage = await openStorage(t);
    for (const n of ['a', 'b', 'c', 'd', 'e']) await storage.create(`/namespaces/${n}`, ns(n));
    await storage.create('/namespacesfoo/x', ns('not-a-namespace'));
    const informer = new Informer({ storage, prefix: '/namespaces', pageSize: 2 });
    const rec = recorder();
    informer.addEventHandler(rec);
    assert.equal(informer.hasSynced(), false);
    const ac = new AbortController();
    const running = informer.run(ac.signal);
    await informer.waitForSync(ac.signal);
    assert.equal(informer.hasSynced(), true);
    assert.deepEqual(rec.log, ['add:a:initial', 'add:b:initial', 'add:c:initial', 'add:d:initial', 'add:e:initial']);
    assert.deepEqual(informer.indexer.listKeys().sort(), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(informer.indexer.get('c')?.metadata?.name, 'c');
    assert.equal(informer.lastSyncRevision(), await storage.currentRevision());
    ac.abort();
    await running;
  });

  it('applies watched adds, updates and deletes to the cache before the handlers see them', async (t) => {
    const storage = await openStorage(t);
    await storage.create('/namespaces/a', ns('a'));
    const informer = new Informer({ storage, prefix: '/namespaces' });
    const rec = recorder();
    const cacheAtEvent: string[] = [];
    informer.addEventHandler(rec);
    informer.addEventHandler({
      onAdd: (o) => cacheAtEvent.push(`add:${informer.indexer.get(nameOf(o)) === o}`),
      onDelete: (o) => cacheAtEvent.push(`delete:${informer.indexer.get(nameOf(o)) === undefined}`),
    });
    start(t, informer);
    await informer.waitForSync();

    const b = await storage.create('/namespaces/b', ns('b'));
    const b2 = await storage.guaranteedUpdate('/namespaces/b', (cur) => ({ ...cur, spec: { finalizers: ['kubernetes'] } }));
    await storage.delete('/namespaces/a');
    await waitFor('three watch events', () => rec.log.length === 4);

    assert.deepEqual(rec.log, [
      'add:a:initial',
      'add:b',
      `update:b:${b.metadata?.resourceVersion}->${b2.metadata?.resourceVersion}`,
      'delete:a',
    ]);
    assert.deepEqual(cacheAtEvent, ['add:true', 'add:true', 'delete:true']);
    assert.deepEqual(informer.indexer.listKeys(), ['b']);
    assert.deepEqual(informer.indexer.get('b'), b2);
    assert.equal(informer.lastSyncRevision(), await storage.currentRevision());
  });

  it('relists after a watch ends Expired: a delete in the gap arrives as onDelete', async (t) => {
    const backend = await openStorage(t);
    const storage = new GappyStorage(backend);
    await storage.create('/namespaces/a', ns('a'));
    await storage.create('/namespaces/b', ns('b'));
    const c = await storage.create('/namespaces/c', ns('c'));
    const logger = capturingLogger();
    const informer = new Informer({ storage, prefix: '/namespaces', logger });
    const rec = recorder();
    informer.addEventHandler(rec);
    start(t, informer);
    await informer.waitForSync();
    await waitFor('the watch to open', () => storage.openWatches === 1);

    // The gap: events are lost, then the history is compacted away and the connection drops.
    storage.paused = true;
    await storage.delete('/namespaces/b');
    await storage.create('/namespaces/d', ns('d'));
    const c2 = await storage.guaranteedUpdate('/namespaces/c', (cur) => ({ ...cur, spec: { x: 1 } }));
    await backend.compact(await backend.currentRevision());
    storage.paused = false;
    storage.cutWatches();

    await waitFor('the relist to catch up', () => informer.indexer.get('d') !== undefined && informer.indexer.size === 3);
    assert.equal(storage.lists, 2, 'one initial list and one relist');
    const expired = storage.seen.find((e) => e.type === 'ERROR');
    assert.ok(expired, 're-watching from the old revision ended with an ERROR');
    assert.equal((expired.error as { code?: string }).code, 'Expired');
    assert.ok(logger.entries.some((e) => /expired; relisting/.test(e.message)), 'the relist is logged');
    assert.deepEqual(rec.log.slice(3).sort(), [
      'add:d',
      'delete:b:unknown',
      `update:c:${String(c.metadata?.resourceVersion)}->${String(c2.metadata?.resourceVersion)}`,
    ]);
    assert.deepEqual(informer.indexer.get('c'), c2);
    assert.deepEqual(informer.indexer.listKeys().sort(), ['a', 'c', 'd']);
    assert.equal(informer.lastSyncRevision(), await backend.currentRevision());

    // And it keeps watching after the relist.
    await storage.create('/namespaces/e', ns('e'));
    await waitFor('a watched add after the relist', () => rec.log.includes('add:e'));
  });

  it('a watch that just ends is resumed from the last revision, with nothing lost or repeated', async (t) => {
    const storage = new GappyStorage(await openStorage(t));
    await storage.create('/namespaces/a', ns('a'));
    const informer = new Informer({ storage, prefix: '/namespaces' });
    const rec = recorder();
    informer.addEventHandler(rec);
    start(t, informer);
    await informer.waitForSync();
    await waitFor('the watch to open', () => storage.openWatches === 1);
    storage.cutWatches();
    await storage.create('/namespaces/b', ns('b'));
    await waitFor('the add made while no watch was open', () => rec.log.includes('add:b'));
    assert.deepEqual(rec.log, ['add:a:initial', 'add:b']);
    assert.equal(storage.lists, 1, 'no relist was needed');
  });

  it('a watch ERROR other than Expired relists after a backoff, summarising what changed', async (t) => {
    const storage = new GappyStorage(await openStorage(t));
    await storage.create('/namespaces/a', ns('a'));
    const clock = new FakeClock();
    const logger = capturingLogger();
    const informer = new Informer({ storage, prefix: '/namespaces', clock, logger });
    const rec = recorder();
    informer.addEventHandler(rec);
    start(t, informer);
    await informer.waitForSync();
    await waitFor('the watch to open', () => storage.openWatches === 1);
    storage.paused = true;
    await storage.delete('/namespaces/a');
    storage.failWatches(new UnavailableError('connection reset (test)'));
    await waitFor('the backoff', () => clock.pendingTimers === 1);
    assert.equal(storage.lists, 1, 'no relist before the backoff');
    assert.match(String(logger.entries.find((e) => e.level === 'warn')?.fields.err), /connection reset/);
    storage.paused = false;
    clock.step(clock.nextTimerIn()!);
    await waitFor('the relist', () => informer.indexer.size === 0);
    assert.equal(storage.lists, 2);
    assert.deepEqual(rec.log, ['add:a:initial', 'delete:a:unknown']);
  });

  it('keeps the namespace index and custom indices', async (t) => {
    const storage = await openStorage(t);
    await storage.create('/configmaps/ns1/x', cm('ns1', 'x'));
    await storage.create('/configmaps/ns1/y', cm('ns1', 'y'));
    await storage.create('/configmaps/ns2/x', cm('ns2', 'x'));
    const informer = new Informer({
      storage,
      prefix: '/configmaps',
      indexers: { byName: (o) => [nameOf(o)] },
    });
    start(t, informer);
    await informer.waitForSync();
    assert.deepEqual(informer.indexer.listKeys().sort(), ['ns1/x', 'ns1/y', 'ns2/x']);
    assert.deepEqual(informer.indexer.byIndex(NAMESPACE_INDEX, 'ns1').map(nameOf).sort(), ['x', 'y']);
    assert.deepEqual(informer.indexer.byIndex('byName', 'x').map((o) => o.metadata?.namespace).sort(), ['ns1', 'ns2']);
    await storage.delete('/configmaps/ns1/y');
    await waitFor('the delete', () => informer.indexer.size === 2);
    assert.deepEqual(informer.indexer.byIndex(NAMESPACE_INDEX, 'ns1').map(nameOf), ['x']);
  });

  it('resyncs every resyncMs with onUpdate(obj, obj)', async (t) => {
    const storage = await openStorage(t);
    await storage.create('/namespaces/a', ns('a'));
    await storage.create('/namespaces/b', ns('b'));
    const clock = new FakeClock();
    const informer = new Informer({ storage, prefix: '/namespaces', resyncMs: 30_000, clock });
    const rec = recorder();
    informer.addEventHandler(rec);
    start(t, informer);
    await informer.waitForSync();
    clock.step(29_999);
    assert.equal(rec.log.filter((l) => l.startsWith('resync')).length, 0);
    clock.step(1);
    assert.deepEqual(rec.log.filter((l) => l.startsWith('resync')).sort(), ['resync:a', 'resync:b']);
    clock.step(30_000);
    assert.equal(rec.log.filter((l) => l.startsWith('resync')).length, 4);
  });

  it('retries a failed list after a backoff, logging the failure', async (t) => {
    const storage = new GappyStorage(await openStorage(t));
    await storage.create('/namespaces/a', ns('a'));
    storage.failLists = 2;
    const clock = new FakeClock();
    const logger = capturingLogger();
    const informer = new Informer({ storage, prefix: '/namespaces', clock, logger });
    start(t, informer);
    await waitFor('the first backoff', () => clock.pendingTimers === 1);
    assert.equal(clock.nextTimerIn(), 200);
    clock.step(200);
    await waitFor('the second backoff', () => storage.lists === 2 && clock.pendingTimers === 1);
    assert.equal(clock.nextTimerIn(), 400, 'the backoff doubles');
    assert.equal(informer.hasSynced(), false);
    clock.step(400);
    await informer.waitForSync();
    assert.deepEqual(informer.indexer.listKeys(), ['a']);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    assert.equal(warnings.length, 2);
    assert.match(String(warnings[0]!.fields.err), /storage is down/);
  });

  it('tells its Listeners on every change, and replays the cache to a late handler', async (t) => {
    const storage = await openStorage(t);
    await storage.create('/namespaces/a', ns('a'));
    const informer = new Informer({ storage, prefix: '/namespaces' });
    let enqueued = 0;
    informer.addListener({ enqueue: () => enqueued++ });
    start(t, informer);
    await informer.waitForSync();
    assert.equal(enqueued, 1);
    await storage.create('/namespaces/b', ns('b'));
    await waitFor('the listener to hear of b', () => enqueued === 2);

    const late = recorder();
    informer.addEventHandler(late);
    assert.deepEqual(late.log.sort(), ['add:a:initial', 'add:b:initial']);
  });

  it('a throwing handler is logged and does not stop the others or the informer', async (t) => {
    const storage = await openStorage(t);
    const logger = capturingLogger();
    const informer = new Informer({ storage, prefix: '/namespaces', logger });
    informer.addEventHandler({
      onAdd: () => {
        throw new Error('handler bug');
      },
    });
    const rec = recorder();
    informer.addEventHandler(rec);
    start(t, informer);
    await informer.waitForSync();
    await storage.create('/namespaces/a', ns('a'));
    await storage.create('/namespaces/b', ns('b'));
    await waitFor('both adds', () => rec.log.length === 2);
    const errors = logger.entries.filter((e) => e.level === 'error');
    assert.equal(errors.length, 2);
    assert.equal(errors[0]!.fields.err, 'handler bug');
  });

  it('stops when its signal aborts, and waitForSync rejects if aborted first', async (t) => {
    const storage = new GappyStorage(await openStorage(t));
    storage.failLists = 1_000;
    const informer = new Informer({ storage, prefix: '/namespaces', clock: new FakeClock() });
    const ac = new AbortController();
    const running = informer.run(ac.signal);
    const waiting = informer.waitForSync(ac.signal);
    ac.abort(new Error('stopping'));
    await assert.rejects(waiting, /stopping/);
    await running;
    await assert.rejects(informer.run(new AbortController().signal), /already running/);
  });
});
