import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/controller/clock.js';
import { ControllerRunner } from '../../src/controller/controller-runner.js';
import { Informer } from '../../src/controller/informer.js';
import { metaNamespaceKey } from '../../src/controller/indexer.js';
import { RateLimitingQueue } from '../../src/controller/workqueue/rate-limiting-queue.js';
import { ListenerSet } from '../../src/dynamiccertificates/interfaces.js';
import { discardLogger } from '../../src/observability/logger.js';
import type { StoredObject } from '../../src/storage/interfaces.js';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { makeTempDir } from '../helpers/tmp.js';
import { capturingLogger, waitFor } from './helpers.js';

/** A promise the test resolves by hand, to hold a sync in flight. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('ControllerRunner', () => {
  it('syncs a burst of duplicate enqueues once', async () => {
    const synced: string[] = [];
    const runner = new ControllerRunner({ name: 'test', logger: discardLogger, sync: async (k) => void synced.push(k) });
    for (let i = 0; i < 10; i++) runner.enqueue('a');
    runner.enqueue('b');
    runner.enqueue('a');
    const ac = new AbortController();
    const running = runner.run(ac.signal);
    await waitFor('both keys synced', () => synced.length === 2 && runner.queue.len() === 0);
    ac.abort();
    await running;
    assert.deepEqual(synced, ['a', 'b']);
  });

  it('a key enqueued during its sync is synced once more, after, never concurrently', async () => {
    const hold = gate();
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const runner = new ControllerRunner({
      name: 'test',
      workers: 3,
      logger: discardLogger,
      sync: async () => {
        calls++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        if (calls === 1) await hold.promise;
        inFlight--;
      },
    });
    const ac = new AbortController();
    const running = runner.run(ac.signal);
    runner.enqueue('a');
    await waitFor('the first sync', () => calls === 1);
    for (let i = 0; i < 5; i++) runner.enqueue('a');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls, 1, 'idle workers do not take the key while it is being synced');
    hold.open();
    await waitFor('the second sync', () => calls === 2 && inFlight === 0);
    ac.abort();
    await running;
    assert.equal(calls, 2);
    assert.equal(maxInFlight, 1);
  });

  it('runs different keys on several workers at once', async () => {
    const hold = gate();
    let inFlight = 0;
    const runner = new ControllerRunner({
      name: 'test',
      workers: 3,
      logger: discardLogger,
      sync: async () => {
        inFlight++;
        await hold.promise;
        inFlight--;
      },
    });
    const ac = new AbortController();
    const running = runner.run(ac.signal);
    for (const k of ['a', 'b', 'c', 'd']) runner.enqueue(k);
    await waitFor('three syncs in flight', () => inFlight === 3);
    assert.equal(runner.queue.len(), 1, 'the fourth waits for a free worker');
    hold.open();
    await waitFor('all done', () => inFlight === 0 && runner.queue.len() === 0);
    ac.abort();
    await running;
  });

  it('retries a failing sync with exponential backoff, logs each failure, and drops it after maxRetries', async () => {
    const clock = new FakeClock();
    const logger = capturingLogger();
    let calls = 0;
    const runner = new ControllerRunner({
      name: 'flaky',
      queue: new RateLimitingQueue<string>({ clock }),
      maxRetries: 3,
      logger,
      sync: async () => {
        calls++;
        throw new Error(`boom ${calls}`);
      },
    });
    const ac = new AbortController();
    const running = runner.run(ac.signal);
    runner.enqueue('k');
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitFor(`attempt ${attempt} to schedule a retry`, () => calls === attempt && clock.pendingTimers === 1);
      delays.push(clock.nextTimerIn()!);
      clock.step(delays.at(-1)! - 1);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(calls, attempt, 'no retry before its backoff has passed');
      clock.step(1);
    }
    await waitFor('the last attempt to be dropped', () => calls === 4 && logger.entries.some((e) => /dropping/.test(e.message)));
    assert.deepEqual(delays, [5, 10, 20]);
    assert.equal(clock.pendingTimers, 0, 'no retry after maxRetries');
    assert.equal(runner.queue.numRequeues('k'), 0, 'dropping forgets the backoff');

    const errors = logger.entries.filter((e) => e.level === 'error');
    assert.equal(errors.length, 4, 'every failure is logged');
    assert.deepEqual(
      errors.map((e) => [e.fields.controller, e.fields.key, e.fields.err]),
      [1, 2, 3, 4].map((n) => ['flaky', 'k', `boom ${n}`]),
    );
    assert.match(errors[3]!.message, /dropping/);

    // Enqueued again later, it is synced again from scratch.
    runner.enqueue('k');
    await waitFor('a fresh attempt', () => calls === 5 && clock.pendingTimers === 1);
    assert.equal(clock.nextTimerIn(), 5);
    ac.abort();
    await running;
  });

  it('a success forgets the backoff, so the next failure starts again at 5 ms', async () => {
    const clock = new FakeClock();
    let fail = 2;
    let calls = 0;
    const runner = new ControllerRunner({
      name: 'test',
      queue: new RateLimitingQueue<string>({ clock }),
      logger: discardLogger,
      sync: async () => {
        calls++;
        if (fail-- > 0) throw new Error('not yet');
      },
    });
    runner.enqueue('k');
    assert.equal(await runner.processNextWorkItem(), true);
    assert.equal(runner.queue.numRequeues('k'), 1);
    clock.step(5);
    await runner.processNextWorkItem();
    assert.equal(runner.queue.numRequeues('k'), 2);
    clock.step(10);
    await runner.processNextWorkItem();
    assert.equal(calls, 3);
    assert.equal(runner.queue.numRequeues('k'), 0);
    assert.equal(await runner.processNextWorkItem(), false, 'nothing left');
  });

  it('logs errors that are not Error objects too', async () => {
    const logger = capturingLogger();
    const runner = new ControllerRunner({
      name: 'test',
      queue: new RateLimitingQueue<string>({ clock: new FakeClock() }),
      logger,
      sync: () => Promise.reject('a bare string'),
    });
    runner.enqueue('k');
    await runner.processNextWorkItem();
    assert.equal(logger.entries[0]?.fields.err, 'a bare string');
  });

  it('stops its workers when the signal aborts, after the in-flight sync returns', async () => {
    const hold = gate();
    const synced: string[] = [];
    let signalSeen: AbortSignal | undefined;
    const runner = new ControllerRunner({
      name: 'test',
      logger: discardLogger,
      sync: async (k, signal) => {
        signalSeen = signal;
        if (k === 'slow') await hold.promise;
        synced.push(k);
      },
    });
    const ac = new AbortController();
    let stopped = false;
    const running = runner.run(ac.signal).then(() => (stopped = true));
    runner.enqueue('slow');
    runner.enqueue('queued');
    await waitFor('the slow sync to start', () => signalSeen !== undefined);
    ac.abort();
    assert.equal(signalSeen?.aborted, true, 'sync is told to stop');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'run waits for the in-flight sync');
    hold.open();
    await running;
    assert.deepEqual(synced, ['slow'], 'keys still queued at shutdown are not synced');
    runner.enqueue('late');
    assert.equal(runner.queue.len(), 0, 'adds after shutdown are ignored');
    await assert.rejects(runner.run(new AbortController().signal), /already run/);
  });

  it('is a Listener: a fixed-key runner syncs its key when a Notifier fires', async () => {
    const keys: string[] = [];
    const runner = new ControllerRunner({ name: 'ca', key: 'client-ca', logger: discardLogger, sync: async (k) => void keys.push(k) });
    const notifier = new ListenerSet();
    notifier.addListener(runner);
    notifier.notify();
    notifier.notify();
    assert.equal(runner.queue.len(), 1);
    await runner.processNextWorkItem();
    assert.deepEqual(keys, ['client-ca']);
    await runner.runOnce();
    assert.deepEqual(keys, ['client-ca', 'client-ca']);

    const keyless = new ControllerRunner({ name: 'keyless', logger: discardLogger, sync: async () => undefined });
    assert.throws(() => keyless.enqueue(), /no fixed key/);
  });

  it('runOnce throws what sync throws', async () => {
    const runner = new ControllerRunner({
      name: 'test',
      key: 'k',
      logger: discardLogger,
      sync: async () => {
        throw new Error('bad content');
      },
    });
    await assert.rejects(runner.runOnce(), /bad content/);
  });

  it('drives a controller from an informer: handlers enqueue keys, sync reads the cache', async (t) => {
    const dir = await makeTempDir('frontdoor-runner-');
    const storage = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
    t.after(async () => {
      await storage.close();
      await dir.remove();
    });
    const cm = (name: string, v: string): StoredObject => ({ metadata: { name, namespace: 'default' }, data: { v } });
    await storage.create('/configmaps/default/a', cm('a', '1'));

    const informer = new Informer({ storage, prefix: '/configmaps' });
    const seen = new Map<string, string>();
    const runner = new ControllerRunner({
      name: 'mirror',
      logger: discardLogger,
      sync: async (key) => {
        const obj = informer.indexer.get(key);
        if (obj === undefined) seen.delete(key);
        else seen.set(key, (obj.data as { v: string }).v);
      },
    });
    const enqueue = (obj: StoredObject) => runner.enqueue(metaNamespaceKey(obj));
    informer.addEventHandler({ onAdd: enqueue, onUpdate: (_, obj) => enqueue(obj), onDelete: enqueue });

    const ac = new AbortController();
    const informerDone = informer.run(ac.signal);
    await informer.waitForSync(ac.signal);
    const runnerDone = runner.run(ac.signal);
    t.after(async () => {
      ac.abort();
      await Promise.all([informerDone, runnerDone]);
    });

    await waitFor('the initial state', () => seen.get('default/a') === '1');
    await storage.guaranteedUpdate('/configmaps/default/a', (cur) => ({ ...cur, data: { v: '2' } }));
    await storage.create('/configmaps/default/b', cm('b', '1'));
    await waitFor('the update and the add', () => seen.get('default/a') === '2' && seen.get('default/b') === '1');
    await storage.delete('/configmaps/default/a');
    await waitFor('the delete', () => !seen.has('default/a'));
    assert.deepEqual([...seen], [['default/b', '1']]);
  });
});
