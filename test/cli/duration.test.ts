import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../src/cli/duration.js';

describe('parseDuration (Go duration syntax)', () => {
  const cases: [string, number][] = [['0', 0], ['0s', 0], ['250ms', 250], ['30s', 30_000], ['5m', 300_000], ['5m0s', 300_000], ['1h30m', 5_400_000], ['1.5s', 1500], ['100us', 0]];
  for (const [text, ms] of cases) it(`${text} is ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  for (const bad of ['', '5', 'five minutes', '5 m', '-1s', '1d']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseDuration(bad), /invalid duration/));
  }
});
