import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRules } from '../../../src/apiextensions/schema/cel/compile.js';
import { toStructural } from '../../../src/apiextensions/schema/structural.js';

const costOf = (rule: string, schema: Record<string, unknown>): number => {
  const [c] = compileRules(toStructural({ ...schema, 'x-kubernetes-validations': [{ rule }] }), false);
  assert.equal(c!.error, undefined, `${rule}: ${c!.error}`);
  return c!.cost;
};

/** cel-go v0.22's estimate with kube's size estimator, figure for figure (issue 13: Gateway API's rules). */
describe('CEL cost estimate (cel-go checker/cost.go with kube\'s estimators)', () => {
  it('sizes a map\'s keys 0, as kube\'s key type has no MaxElements', () => {
    // self 1 + 16 entries × (condition 2 + step: accu 1 + key 1 + matches ceil((0+1)×0.1) × ceil(8×0.25)) + result 1.
    const annotations = { type: 'object', maxProperties: 16, additionalProperties: { type: 'string', maxLength: 4096 } };
    assert.equal(costOf('self.all(key, key.matches("^[a-z]+$"))', annotations), 98);
  });

  it('charges string equality the shorter side\'s maxLength × 4 bytes × 0.1, and nested loops range × step', () => {
    const listeners = { type: 'array', maxItems: 64, items: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 253 } } } };
    // inner: self 1 + 64 × (l1.name 2 + l2.name 2 + ceil(1012 × 0.1) + accu + 1 (2)) + accu == 1 (2) = 6915;
    // outer: self 1 + 64 × (condition 2 + accu 1 + 6915) + result 1.
    assert.equal(costOf('self.all(l1, self.exists_one(l2, l1.name == l2.name))', listeners), 442_754);
  });

  it('leaves a string() result unsized, so concatenating it is unbounded (cel-go\'s "str size estimate")', () => {
    assert.ok(costOf('"a" + string(self) == "a1"', { type: 'integer' }) > 1e18);
  });
});
