import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRules } from '../../../src/apiextensions/schema/cel/compile.js';
import { toCelValue } from '../../../src/apiextensions/schema/cel/values.js';
import { toStructural } from '../../../src/apiextensions/schema/structural.js';

const SCHEMA = { type: 'object', properties: { s: { type: 'string' }, l: { type: 'array', items: { type: 'integer' } }, d: { type: 'array', items: { type: 'number' } }, w: { type: 'array', items: { type: 'string' } } } };
const SELF = { s: ' Hello, World 42 and 7 ', l: [3, 1, 2, 1], d: [1.5, 2.5], w: ['a', 'b', 'c'] };

/** Evaluates a bool rule over SELF; a compile error or a runtime error fails the test. */
function holds(rule: string): boolean {
  const s = toStructural({ ...SCHEMA, 'x-kubernetes-validations': [{ rule }] });
  const [c] = compileRules(s, false);
  assert.equal(c!.error, undefined, rule);
  // A fast-path program reads the JSON itself; the interpreter's read it converted.
  const v = c!.program!({ self: c!.program!.raw ? SELF : toCelValue(SELF, s) });
  assert.equal(typeof v, 'boolean', `${rule}: ${String(v)}`);
  return v as boolean;
}

describe('CEL libraries', () => {
  const cases: string[] = [
    // strings (buf's strings extension)
    'self.s.charAt(1) == "H"', 'self.s.indexOf("o") == 5', 'self.s.indexOf("o", 6) == 9', 'self.s.lastIndexOf("o") == 9',
    'self.s.trim().lowerAscii() == "hello, world 42 and 7"', 'self.s.upperAscii().contains("HELLO")', 'self.s.replace("l", "L") == " HeLLo, WorLd 42 and 7 "',
    'self.s.replace("l", "L", 1) == " HeLlo, World 42 and 7 "', 'self.s.trim().split(" ").size() == 5', 'self.s.trim().split(" ", 2) == ["Hello,", "World 42 and 7"]',
    'self.s.substring(1, 6) == "Hello"', 'self.s.substring(20) == " 7 "', 'self.w.join() == "abc"', 'self.w.join("-") == "a-b-c"',
    // lists (kube's)
    '!self.l.isSorted() && [1, 2, 2].isSorted() && self.w.isSorted()', 'self.l.sum() == 7', 'self.d.sum() == 4.0', '[].sum() == 0',
    'self.l.min() == 1 && self.l.max() == 3', 'self.w.max() == "c"', 'self.l.indexOf(1) == 1 && self.l.lastIndexOf(1) == 3 && self.l.indexOf(9) == -1',
    // regex (kube's)
    'self.s.find("[0-9]+") == "42"', 'self.s.find("x+") == ""', 'self.s.findAll("[0-9]+") == ["42", "7"]', 'self.s.findAll("[0-9]+", 1) == ["42"]',
    // standard macros and functions
    'self.l.exists_one(x, x == 3) && self.l.filter(x, x > 1) == [3, 2] && self.l.map(x, x * 2) == [6, 2, 4, 2]', 'self.s.matches("^ Hello")',
  ];
  for (const rule of cases) it(rule, () => assert.equal(holds(rule), true));

  it('min of an empty list is a runtime error', () => {
    const s = toStructural({ ...SCHEMA, 'x-kubernetes-validations': [{ rule: 'self.l.filter(x, x > 9).min() == 0' }] });
    const p = compileRules(s, false)[0]!.program!;
    const v = p({ self: p.raw ? SELF : toCelValue(SELF, s) });
    assert.ok(v instanceof Error && /empty list/.test(v.message));
  });
});
