import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/controller/clock.js';
import { RateLimitingQueue } from '../../../src/controller/workqueue/rate-limiting-queue.js';
import { ItemExponentialFailureRateLimiter } from '../../../src/controller/workqueue/rate-limiters.js';

describe('RateLimitingQueue', () => {
  it('re-adds a failing item after exponentially growing delays', () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>({ clock });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      q.addRateLimited('a');
      delays.push(clock.nextTimerIn()!);
      clock.step(delays[i]! - 1);
      assert.equal(q.len(), 0, `not before ${delays[i]} ms`);
      clock.step(1);
      assert.equal(q.len(), 1);
      // Take it and mark it done, as a worker whose sync failed would before re-adding.
      void q.get();
      q.done('a');
    }
    assert.deepEqual(delays, [5, 10, 20, 40]);
    assert.equal(q.numRequeues('a'), 4);
  });

  it('forget() resets the backoff without touching the queue', () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>({
      clock,
      rateLimiter: new ItemExponentialFailureRateLimiter<string>(10, 1000),
    });
    q.addRateLimited('a');
    q.addRateLimited('a');
    assert.equal(q.numRequeues('a'), 2);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
    assert.equal(q.waitingLen(), 1, 'the pending retry is still there');
    clock.step(10);
    assert.equal(q.len(), 1);
  });
});
