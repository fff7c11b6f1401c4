import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, translateTimestampSince } from '../../../src/apis/shared/age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (kube duration.HumanDuration)', () => {
  // kube's own TestHumanDuration table, plus the boundaries.
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'],
    [-1 * S, '0s'],
    [0, '0s'],
    [1 * S, '1s'],
    [70 * S, '70s'],
    [119 * S, '119s'],
    [120 * S, '2m'],
    [121 * S, '2m1s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 10 * M, '3h10m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [47 * H + 59 * M, '47h'],
    [48 * H, '2d'],
    [48 * H + 1 * H, '2d1h'],
    [8 * D - 1 * S, '7d23h'],
    [8 * D, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [730 * D + 30 * D, '2y30d'],
    [8 * 365 * D, '8y'],
    [10 * 365 * D + 100 * D, '10y'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms}ms -> ${text}`, () => assert.equal(humanDuration(ms), text));
  }
});

describe('translateTimestampSince', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  it('ages a timestamp at the given instant', () => {
    assert.equal(translateTimestampSince('2024-05-01T11:55:00Z', now), '5m');
    assert.equal(translateTimestampSince('2024-04-28T12:00:00Z', now), '3d');
  });
  it('is <unknown> without a (valid) timestamp', () => {
    assert.equal(translateTimestampSince(undefined, now), '<unknown>');
    assert.equal(translateTimestampSince(null, now), '<unknown>');
    assert.equal(translateTimestampSince('yesterday', now), '<unknown>');
  });
});
