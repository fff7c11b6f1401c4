import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isCelError } from '@bufbuild/cel';
import { compileRules } from '../../../src/apiextensions/schema/cel/compile.js';
import { Meter, metering } from '../../../src/apiextensions/schema/cel/meter.js';
import { newCelValidator } from '../../../src/apiextensions/schema/cel/validator.js';
import { toCelValue } from '../../../src/apiextensions/schema/cel/values.js';
import { toStructural } from '../../../src/apiextensions/schema/structural.js';

/**
 * The fast path (cel/fast.ts) against @bufbuild/cel's interpreter: the same
 * rules over random objects (fields present or not, nulls, empty and long
 * strings, big and small ints, nested lists) give the same field errors,
 * messages included, either way. Fixed and random seeds, as the project's
 * other property suites (rerun with FRONTDOOR_FC_SEED=<seed>).
 */
const RUNS = Number(process.env.FRONTDOOR_FC_RUNS ?? 300);
const SEEDS = [
  { label: 'fixed seed', seed: 20261207 },
  { label: 'random seed', seed: Number(process.env.FRONTDOOR_FC_SEED ?? Math.floor(Math.random() * 2 ** 31)) },
];

const RULES = [
  'self.min <= self.max',
  'has(self.name) && self.name.lowerAscii() == self.name',
  '!has(self.name) || self.name.startsWith("a") || self.name.endsWith("z") || self.name.contains("-")',
  'self.name.matches("^[a-z][-a-z0-9]*$")',
  'size(self.name) <= 8 && self.name.size() >= 0',
  'self.min + self.max > 10 || self.max - self.min < 3',
  'self.ratio >= 0.5 == (self.flag || self.ratio != self.ratio)',
  'self.tags.all(t, t.size() < 5 && t != "x")',
  'self.tags.exists(t, t == self.name)',
  'self.tags.exists_one(t, t.startsWith("a"))',
  'self.ports.all(p, self.ports.exists_one(q, q.name == p.name))',
  'self.ports.all(p, p.port >= 1 && p.port <= 65535)',
  'self.labels.all(k, k.size() < 4 && self.labels[k] != "")',
  'has(self.nested.inner) ? self.nested.inner == "ok" : self.flag',
  'self.nested.inner + "-" + self.name == "a-b"',
  'self.min + 9223372036854775000 > 0',
  '!(self.flag && self.min == 0) || self.tags.size() == 0',
  'self.ports.exists(p, has(p.name) && p.name == "http") || size(self.ports) == 0',
  'self.tags.isSorted() && self.ints.isSorted()',
  // Escaped property names, map keys by selection, and has() on both.
  'has(self.x__dash__y) ? self.x__dash__y.size() > 1 : has(self.__namespace__) && self.__namespace__ != ""',
  'has(self.labels.k) || self.labels.all(k, k != "ok")',
  'self.labels.a == "x"',
  // A pattern computed at runtime (a bad one is an error either way) beside the literal ones above.
  'has(self.nested.inner) && self.name.matches(self.nested.inner)',
];

const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', nullable: true },
    min: { type: 'integer' },
    max: { type: 'integer' },
    ratio: { type: 'number' },
    flag: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    ints: { type: 'array', items: { type: 'integer', nullable: true } },
    'x-y': { type: 'string' },
    namespace: { type: 'string' },
    ports: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } } },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    nested: { type: 'object', properties: { inner: { type: 'string' } } },
  },
  'x-kubernetes-validations': RULES.map((rule) => ({ rule, messageExpression: '"rule on " + self.name' })),
};

const shortString = fc.oneof(fc.constantFrom('', 'a', 'x', 'z', 'http', 'a-b', 'ABC', 'ok', '😀a', 'a\uD800', '^[a-z]+$', '('), fc.string({ maxLength: 10 }));
const int = fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.constantFrom(0, 9007199254740991, -9007199254740991));
const object = fc.record(
  {
    name: fc.oneof(shortString, fc.constant(null)),
    min: int,
    max: int,
    ratio: fc.oneof(fc.double({ noNaN: true, min: -10, max: 10 }), fc.constant(0.5)),
    flag: fc.boolean(),
    tags: fc.array(shortString, { maxLength: 5 }),
    ints: fc.array(fc.oneof(int, fc.constant(null)), { maxLength: 4 }),
    'x-y': shortString,
    namespace: shortString,
    ports: fc.array(fc.record({ name: shortString, port: int }, { requiredKeys: [] }), { maxLength: 4 }),
    labels: fc.dictionary(fc.oneof(shortString, fc.constantFrom('k', 'a')), shortString, { maxKeys: 3 }),
    nested: fc.record({ inner: shortString }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

function validatorWith(interpretOnly: boolean) {
  const before = process.env.FRONTDOOR_CEL_INTERPRET_ONLY;
  process.env.FRONTDOOR_CEL_INTERPRET_ONLY = interpretOnly ? '1' : '0';
  try {
    return newCelValidator(toStructural(SCHEMA))!;
  } finally {
    if (before === undefined) delete process.env.FRONTDOOR_CEL_INTERPRET_ONLY;
    else process.env.FRONTDOOR_CEL_INTERPRET_ONLY = before;
  }
}

describe('CEL fast path agrees with the interpreter', () => {
  const fast = validatorWith(false);
  const interpreted = validatorWith(true);
  const errors = (v: ReturnType<typeof validatorWith>, obj: unknown) => JSON.stringify(v.validate(obj, undefined));

  for (const { label, seed } of SEEDS) {
    it(`gives the same field errors for random objects (${label} ${seed})`, () => {
      fc.assert(fc.property(object, (obj) => {
        assert.equal(errors(fast, obj), errors(interpreted, obj));
      }), { numRuns: RUNS, seed });
    });
  }

  it('takes the fast path for these rules (it is faster, and says so by its errors on a missing key)', () => {
    const out = fast.validate({ min: 1 }, undefined).map((e) => e.detail);
    assert.ok(out.some((d) => /no such key: max/.test(String(d))), JSON.stringify(out));
  });
});

describe('CEL matches: V8 regexps where RE2 and JavaScript agree', () => {
  // Patterns from a grammar of the syntax both read, plus what they must refuse; texts over a small alphabet with the hard cases.
  const atom = fc.oneof(
    fc.constantFrom('a', 'b', 'z', '0', '9', '_', '-', '/', ':', '\\.', '\\-', '\\\\', '\\d', '\\w', '\\D', '\\W', '\\b', '^', '$', '.', '\\s', 'é'),
    fc.constantFrom('[a-z]', '[^a-z]', '[a-z0-9-]', '[-a]', '[\\d-]', '[\\w.]', '[]a]', '[^]a]', '[z-a]', '[\\s]'),
  );
  const quantifier = fc.constantFrom('', '', '*', '+', '?', '*?', '+?', '{2}', '{1,3}', '{2,}', '{3,1}', '{1001}', '**', '{,2}');
  const piece = fc.tuple(atom, quantifier).map(([a, q]) => a + q);
  const pattern: fc.Arbitrary<string> = fc.letrec((tie) => ({
    seq: fc.array(fc.oneof({ weight: 4, arbitrary: piece }, { weight: 1, arbitrary: tie('group') }), { maxLength: 4 }).map((xs) => xs.join('')),
    group: fc.tuple(fc.constantFrom('(', '(?:', '(?i)', '(?P<n>'), tie('alt'), quantifier).map(([o, b, q]) => `${o}${b})${q}`),
    alt: fc.array(tie('seq'), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('|')),
  })).alt as fc.Arbitrary<string>;
  const text = fc.array(fc.constantFrom('a', 'b', 'z', '0', '9', '_', '-', '/', ':', '.', ' ', '\n', '\r', 'é', '😀', '\u2028'), { maxLength: 8 }).map((xs) => xs.join(''));

  for (const { label, seed } of SEEDS) {
    it(`agrees with RE2 on every pattern and text (${label} ${seed})`, async () => {
      const { RE2JS } = await import('@bufbuild/re2');
      const { matchesPattern } = await import('../../../src/apiextensions/schema/cel/library.js');
      const outcome = (f: () => boolean): string => {
        try {
          return String(f());
        } catch {
          return 'error';
        }
      };
      fc.assert(fc.property(pattern, text, (p, t) => {
        assert.equal(outcome(() => matchesPattern(t, p)), outcome(() => RE2JS.compile(p).test(t)), `${JSON.stringify(p)} on ${JSON.stringify(t)}`);
      }), { numRuns: RUNS * 10, seed });
    });
  }
});

describe('CEL fast path counts the runtime budget as the interpreter does', () => {
  // The comprehension rules above: the fast path runs all/exists/exists_one as one loop, the interpreter their expansion.
  // (An index, as in self.labels[k], is not for the fast path: those rules are left out.)
  const loops = RULES.filter((r) => /\.(all|exists|exists_one)\(/.test(r) && !r.includes('['));
  const programs = (interpretOnly: boolean) => {
    const before = process.env.FRONTDOOR_CEL_INTERPRET_ONLY;
    process.env.FRONTDOOR_CEL_INTERPRET_ONLY = interpretOnly ? '1' : '0';
    try {
      return compileRules(toStructural({ ...SCHEMA, 'x-kubernetes-validations': loops.map((rule) => ({ rule })) }), false).map((c) => c.program!);
    } finally {
      if (before === undefined) delete process.env.FRONTDOOR_CEL_INTERPRET_ONLY;
      else process.env.FRONTDOOR_CEL_INTERPRET_ONLY = before;
    }
  };
  const fast = programs(false);
  const interpreted = programs(true);
  // Results compared by value or error (the field-error test above compares the messages as the validator words them).
  const run = (p: (typeof fast)[number], obj: unknown, budget: number) => {
    const meter = new Meter(budget);
    const result = metering(meter, () => (p.raw ? p({ self: obj as never }) : p({ self: toCelValue(obj, toStructural(SCHEMA)) })));
    return { used: meter.used, exhausted: meter.exhausted, result: meter.exhausted ? 'cut short' : isCelError(result) ? 'error' : String(result) };
  };

  it('takes the fast path for each of them', () => {
    assert.ok(loops.length >= 5 && fast.every((p) => p.raw === true) && interpreted.every((p) => !p.raw), loops.join('\n'));
  });

  for (const { label, seed } of SEEDS) {
    it(`ticks the meter as often, and runs out of it at the same point (${label} ${seed})`, () => {
      fc.assert(fc.property(object, fc.integer({ min: 0, max: 30 }), (obj, budget) => {
        loops.forEach((rule, i) => {
          assert.deepEqual(run(fast[i]!, obj, 1e6), run(interpreted[i]!, obj, 1e6), rule);
          assert.deepEqual(run(fast[i]!, obj, budget), run(interpreted[i]!, obj, budget), `${rule} with a budget of ${budget}`);
        });
      }), { numRuns: RUNS, seed });
    });
  }
});
