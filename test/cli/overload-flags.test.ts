import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionsError, parseOptions } from '../../src/cli/options.js';

describe('overload flags', () => {
  it('default to kube\'s values', () => {
    const o = parseOptions([]);
    assert.deepEqual(
      [o.maxRequestsInflight, o.maxMutatingRequestsInflight, o.requestTimeoutMs, o.minRequestTimeoutSeconds],
      [400, 200, 60_000, 1800],
    );
  });

  const cases: { args: string[]; want?: [number, number, number, number]; error?: RegExp }[] = [
    { args: ['--max-requests-inflight', '0', '--max-mutating-requests-inflight', '0'], want: [0, 0, 60_000, 1800] },
    { args: ['--max-requests-inflight=20', '--request-timeout', '2m30s', '--min-request-timeout', '60'], want: [20, 200, 150_000, 60] },
    { args: ['--request-timeout', '0'], want: [400, 200, 0, 1800] },
    { args: ['--max-requests-inflight', '-1'], error: /--max-requests-inflight/ },
    { args: ['--request-timeout', 'soon'], error: /invalid duration/ },
    { args: ['--min-request-timeout', '1.5'], error: /--min-request-timeout/ },
  ];
  for (const c of cases) {
    it(c.args.join(' '), () => {
      if (c.error) {
        assert.throws(() => parseOptions(c.args), (err: unknown) => err instanceof OptionsError && c.error!.test(err.message));
        return;
      }
      const o = parseOptions(c.args);
      assert.deepEqual([o.maxRequestsInflight, o.maxMutatingRequestsInflight, o.requestTimeoutMs, o.minRequestTimeoutSeconds], c.want);
    });
  }
});
