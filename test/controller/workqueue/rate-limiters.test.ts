import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/controller/clock.js';
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
} from '../../../src/controller/workqueue/rate-limiters.js';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles from 5 ms per failure and counts requeues', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>();
    assert.deepEqual(
      Array.from({ length: 6 }, () => rl.when('a')),
      [5, 10, 20, 40, 80, 160],
    );
    assert.equal(rl.numRequeues('a'), 6);
    assert.equal(rl.when('b'), 5, 'items back off independently');
  });

  it('caps at 1000 s by default, even after very many failures', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>();
    let last = 0;
    for (let i = 0; i < 2000; i++) last = rl.when('a');
    assert.equal(last, 1000_000);
  });

  it('forget() starts the backoff afresh', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>(1, 100);
    rl.when('a');
    rl.when('a');
    rl.forget('a');
    assert.equal(rl.numRequeues('a'), 0);
    assert.equal(rl.when('a'), 1);
  });

  it('honours a custom base and max', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>(100, 350);
    assert.deepEqual([rl.when('a'), rl.when('a'), rl.when('a')], [100, 200, 350]);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces calls at 1/qps', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter<string>(10, 3, clock);
    assert.deepEqual([rl.when('a'), rl.when('b'), rl.when('c')], [0, 0, 0]);
    assert.equal(rl.when('d'), 100);
    assert.equal(rl.when('e'), 200, 'each call reserves the next token');
    assert.equal(rl.numRequeues('a'), 0);
  });

  it('refills with time, up to the burst', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter<string>(10, 2, clock);
    rl.when('a');
    rl.when('a');
    clock.step(100);
    assert.equal(rl.when('a'), 0);
    assert.equal(rl.when('a'), 100);
    clock.step(60_000);
    assert.deepEqual([rl.when('a'), rl.when('a'), rl.when('a')], [0, 0, 100], 'no more than burst saved up');
  });
});

describe('MaxOfRateLimiter', () => {
  it('returns the longest wait and the largest count, and forgets in all', () => {
    const clock = new FakeClock();
    const exp = new ItemExponentialFailureRateLimiter<string>(5, 1000);
    const bucket = new BucketRateLimiter<string>(10, 1, clock);
    const rl = new MaxOfRateLimiter(exp, bucket);
    assert.equal(rl.when('a'), 5, 'bucket has a token; exponential says 5');
    assert.equal(rl.when('a'), 100, 'bucket empty: 100 ms beats 10 ms');
    assert.equal(rl.numRequeues('a'), 2);
    rl.forget('a');
    assert.equal(rl.numRequeues('a'), 0);
  });

  it('the default controller limiter is exponential from 5 ms under a burst of 100', () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter<string>(clock);
    assert.deepEqual([rl.when('a'), rl.when('a'), rl.when('a')], [5, 10, 20]);
    for (let i = 0; i < 97; i++) rl.when(`k${i}`);
    assert.equal(rl.when('fresh'), 100, 'the 101st call in an instant waits for the bucket');
  });
});
