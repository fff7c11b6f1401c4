import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/controller/clock.js';
import { DelayingQueue } from '../../../src/controller/workqueue/delaying-queue.js';

/** Takes every queued item without waiting (the queue only holds ready items). */
async function drainReady<T>(q: DelayingQueue<T>): Promise<T[]> {
  const out: T[] = [];
  while (q.len() > 0) {
    const r = await q.get();
    if (r.shutdown) break;
    out.push(r.item);
    q.done(r.item);
  }
  return out;
}

describe('DelayingQueue', () => {
  it('adds an item only once its delay has passed', () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 50);
    assert.equal(q.len(), 0);
    assert.equal(q.waitingLen(), 1);
    clock.step(49);
    assert.equal(q.len(), 0);
    clock.step(1);
    assert.equal(q.len(), 1);
    assert.equal(q.waitingLen(), 0);
  });

  it('adds items in ready-time order, not call order, and ties in call order', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('late', 30);
    q.addAfter('early', 10);
    q.addAfter('mid-1', 20);
    q.addAfter('mid-2', 20);
    clock.step(100);
    assert.deepEqual(await drainReady(q), ['early', 'mid-1', 'mid-2', 'late']);
  });

  it('releases each item at its own time while stepping', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('b', 20);
    q.addAfter('a', 10);
    clock.step(15);
    assert.deepEqual(await drainReady(q), ['a']);
    clock.step(5);
    assert.deepEqual(await drainReady(q), ['b']);
  });

  it('keeps the earlier ready time when an item is added after twice', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 100);
    q.addAfter('a', 10);
    q.addAfter('a', 50);
    assert.equal(q.waitingLen(), 1);
    clock.step(10);
    assert.deepEqual(await drainReady(q), ['a']);
    clock.step(200);
    assert.deepEqual(await drainReady(q), [], 'the later adds were folded into the earlier one');
  });

  it('a zero or negative delay adds at once', () => {
    const q = new DelayingQueue<string>({ clock: new FakeClock() });
    q.addAfter('a', 0);
    q.addAfter('b', -5);
    assert.equal(q.len(), 2);
  });

  it('a delayed add of an item already queued is deduplicated', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.add('a');
    q.addAfter('a', 10);
    clock.step(10);
    assert.deepEqual(await drainReady(q), ['a']);
  });

  it('shutDown() drops waiting items and cancels the timer', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 10);
    q.shutDown();
    assert.equal(clock.pendingTimers, 0);
    clock.step(10);
    assert.equal(q.len(), 0);
    q.addAfter('b', 5);
    assert.equal(q.waitingLen(), 0);
    assert.deepEqual(await q.get(), { shutdown: true });
  });

  it('works on real time too', async () => {
    const q = new DelayingQueue<string>();
    q.addAfter('a', 5);
    const r = await q.get();
    assert.deepEqual(r, { item: 'a', shutdown: false });
    q.shutDown();
  });
});
