import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watchTimeoutMs } from '../../../src/endpoints/handlers/watch.js';

describe('watchTimeoutMs (kube\'s watch lifetime)', () => {
  const cases: { name: string; timeoutSeconds?: number; min: number; random: number; ms: number }[] = [
    { name: 'timeoutSeconds wins', timeoutSeconds: 5, min: 1800, random: 0.5, ms: 5000 },
    { name: 'any timeoutSeconds, however large', timeoutSeconds: 99_999_999_999, min: 1800, random: 0.5, ms: 99_999_999_999_000 },
    { name: 'without it: min at the low end', min: 1800, random: 0, ms: 1_800_000 },
    { name: 'without it: up to twice min', min: 1800, random: 0.999, ms: 1800 * 1000 * 1.999 },
    { name: 'a smaller --min-request-timeout', min: 10, random: 0.5, ms: 15_000 },
    { name: '--min-request-timeout=0: until ended', min: 0, random: 0.5, ms: Infinity },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(watchTimeoutMs(c.timeoutSeconds, c.min, () => c.random), c.ms));
  }
});
