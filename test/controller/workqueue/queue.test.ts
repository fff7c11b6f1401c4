import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Queue, type QueueGetResult } from '../../../src/controller/workqueue/queue.js';
import { waitFor } from '../helpers.js';

const itemOf = <T>(r: QueueGetResult<T>): T => {
  assert.equal(r.shutdown, false, 'expected an item, got shutdown');
  return (r as { item: T }).item;
};

describe('Queue', () => {
  it('hands items out in the order they were added (fair)', async () => {
    const q = new Queue<string>();
    for (const k of ['c', 'a', 'b']) q.add(k);
    const got = [itemOf(await q.get()), itemOf(await q.get()), itemOf(await q.get())];
    assert.deepEqual(got, ['c', 'a', 'b']);
  });

  it('hands out an item added many times before processing once (stingy)', async () => {
    const q = new Queue<string>();
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(itemOf(await q.get()), 'a');
    assert.equal(itemOf(await q.get()), 'b');
    assert.equal(q.len(), 0);
  });

  it('re-queues an item added while it is processed only after done()', async () => {
    const q = new Queue<string>();
    q.add('a');
    const a = itemOf(await q.get());
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 'not handed out while being processed');
    q.done(a);
    assert.equal(q.len(), 1);
    assert.equal(itemOf(await q.get()), 'a');
    q.done('a');
    assert.equal(q.len(), 0, 'processed twice, not three times');
  });

  it('done() on an item not re-added leaves the queue empty', async () => {
    const q = new Queue<number>();
    q.add(1);
    q.done(itemOf(await q.get()));
    assert.equal(q.len(), 0);
  });

  it('wakes waiting getters one item each, oldest getter first', async () => {
    const q = new Queue<string>();
    const order: string[] = [];
    const w1 = q.get().then((r) => order.push(`w1:${itemOf(r)}`));
    const w2 = q.get().then((r) => order.push(`w2:${itemOf(r)}`));
    q.add('x');
    q.add('y');
    await Promise.all([w1, w2]);
    assert.deepEqual(order, ['w1:x', 'w2:y']);
  });

  it('never gives the same item to two workers at once', async () => {
    const q = new Queue<string>();
    q.add('k');
    const first = itemOf(await q.get());
    let secondGot = false;
    const second = q.get().then((r) => {
      secondGot = true;
      return r;
    });
    q.add('k');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(secondGot, false);
    q.done(first);
    assert.equal(itemOf(await second), 'k');
  });

  it('shutDown() wakes every waiting getter with shutdown and ignores later adds', async () => {
    const q = new Queue<string>();
    const waiting = [q.get(), q.get()];
    q.shutDown();
    assert.deepEqual(await Promise.all(waiting), [{ shutdown: true }, { shutdown: true }]);
    q.add('late');
    assert.equal(q.len(), 0);
    assert.deepEqual(await q.get(), { shutdown: true });
    assert.equal(q.shuttingDown(), true);
  });

  it('still hands out items queued before shutDown(), then shutdown', async () => {
    const q = new Queue<string>();
    q.add('a');
    q.shutDown();
    assert.equal(itemOf(await q.get()), 'a');
    assert.deepEqual(await q.get(), { shutdown: true });
  });

  it('shutDownWithDrain() waits until in-flight items are done', async () => {
    const q = new Queue<string>();
    q.add('a');
    q.add('b');
    const a = itemOf(await q.get());
    const b = itemOf(await q.get());
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(drained, false);
    q.done(a);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(drained, false, 'b is still in flight');
    q.done(b);
    await drain;
    assert.equal(drained, true);
  });

  it('shutDownWithDrain() with nothing in flight resolves at once', async () => {
    const q = new Queue<string>();
    await q.shutDownWithDrain();
    assert.deepEqual(await q.get(), { shutdown: true });
  });

  it('serves many workers: every item processed exactly once', async () => {
    const q = new Queue<number>();
    const seen: number[] = [];
    const worker = async (): Promise<void> => {
      for (;;) {
        const r = await q.get();
        if (r.shutdown) return;
        seen.push(r.item);
        await new Promise((resolve) => setImmediate(resolve));
        q.done(r.item);
      }
    };
    const workers = [worker(), worker(), worker()];
    for (let i = 0; i < 50; i++) q.add(i);
    await waitFor('all items processed', () => seen.length === 50);
    await q.shutDownWithDrain();
    await Promise.all(workers);
    assert.deepEqual([...seen].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  });
});
