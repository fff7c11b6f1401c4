import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { setLongTimeout } from '../../../src/endpoints/request/long-timeout.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

describe('setLongTimeout', () => {
  const cases: { name: string; ms: number }[] = [
    { name: 'a short delay', ms: 10 },
    { name: 'just past Node\'s 32-bit timer limit', ms: MAX_TIMER_MS + 1 },
    { name: 'timeoutSeconds=99999999999', ms: 99_999_999_999 * 1000 },
  ];
  for (const c of cases) {
    it(`fires once, after ${c.name}, not before`, () => {
      mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
      try {
        let fired = 0;
        setLongTimeout(() => fired++, c.ms);
        // Step through the delay in timer-sized hops (at most 50), checking it has not fired early.
        const hop = Math.max(1, Math.ceil(c.ms / 50));
        let elapsed = 0;
        while (elapsed + hop < c.ms) {
          mock.timers.tick(hop);
          elapsed += hop;
          assert.equal(fired, 0, `fired after ${elapsed} of ${c.ms} ms`);
        }
        mock.timers.tick(c.ms - elapsed);
        assert.equal(fired, 1);
        mock.timers.tick(MAX_TIMER_MS);
        assert.equal(fired, 1);
      } finally {
        mock.timers.reset();
      }
    });
  }

  it('cancels, and Infinity never fires', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    try {
      let fired = 0;
      const cancel = setLongTimeout(() => fired++, MAX_TIMER_MS * 3);
      mock.timers.tick(MAX_TIMER_MS + 5);
      cancel();
      setLongTimeout(() => fired++, Infinity);
      mock.timers.tick(MAX_TIMER_MS * 4);
      assert.equal(fired, 0);
    } finally {
      mock.timers.reset();
    }
  });
});
