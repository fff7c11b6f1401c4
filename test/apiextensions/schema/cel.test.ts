import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileCustomResourceSchema } from '../../../src/apiextensions/schema/index.js';
import { compileRules } from '../../../src/apiextensions/schema/cel/compile.js';
import { toStructural } from '../../../src/apiextensions/schema/structural.js';

type Rule = { rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string };

/** A Widget whose spec carries `rules`, and optionally a property with its own. */
function schemaWith(rules: Rule[], props: Record<string, unknown> = {}) {
  return compileCustomResourceSchema(
    {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': rules,
          properties: {
            replicas: { type: 'integer' },
            min: { type: 'integer' },
            name: { type: 'string' },
            'image-name': { type: 'string' },
            tags: { type: 'array', items: { type: 'string' } },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'port is immutable' }] } } },
            },
            any: { 'x-kubernetes-int-or-string': true },
            ...props,
          },
        },
      },
    },
    { group: 'example.com', version: 'v1', kind: 'Widget', namespaced: true },
  );
}

const widget = (spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default', resourceVersion: '1' }, spec });
const errorsOf = (rules: Rule[], spec: Record<string, unknown>, oldSpec?: Record<string, unknown>): string[] =>
  schemaWith(rules).validate(widget(spec), oldSpec ? widget(oldSpec) : undefined).map(String);
const compileErrors = (rule: string, schema: Record<string, unknown> = { type: 'object', properties: { a: { type: 'integer' }, s: { type: 'string' } } }) =>
  compileRules(toStructural({ ...schema, 'x-kubernetes-validations': [{ rule }] }), false)[0]!;

describe('CEL rules: compilation', () => {
  it('accepts well-typed rules and types self from the schema', () => {
    for (const rule of ['self.a > 0', 'has(self.s) && self.s.startsWith("x")', 'self.a + 1 == 2', 'size(self.s) < 3', '[1, 2].all(x, x > 0)']) {
      assert.equal(compileErrors(rule).error, undefined, rule);
    }
  });
  it('refuses an undefined field with cel-go\'s issue text and caret', () => {
    assert.equal(compileErrors('self.b > 0').error, "compilation failed: ERROR: <input>:1:5: undefined field 'b'\n | self.b > 0\n | ....^");
  });
  it('refuses calls no overload accepts, and undeclared names', () => {
    assert.match(compileErrors('self.a + "x" == "1x"').error!, /found no matching overload for '_\+_' applied to '\(int, string\)'/);
    assert.match(compileErrors('self.s.charAt("x") == "a"').error!, /found no matching overload for 'charAt' applied to 'string.\(string\)'/);
    assert.match(compileErrors('foo(self.a)').error!, /undeclared reference to 'foo'/);
    assert.match(compileErrors('other > 1').error!, /undeclared reference to 'other'/);
  });
  it('refuses a syntax error and a non-bool rule', () => {
    assert.match(compileErrors('self.a +').error!, /^compilation failed: ERROR: <input>:1:/);
    assert.equal(compileErrors('self.a + 1').error, 'cel expression must evaluate to a bool');
  });
  it('int-or-string and preserve-unknown-fields are dyn: checked at runtime', () => {
    const dynSchema = { type: 'object', properties: { x: { 'x-kubernetes-int-or-string': true }, p: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
    assert.equal(compileErrors('self.x == 1 || self.x == "a"', dynSchema).error, undefined);
    assert.equal(compileErrors('self.p.anything.goes == 1', dynSchema).error, undefined);
  });
  it('the root and embedded resources have apiVersion, kind, metadata.name', () => {
    const root = compileRules(toStructural({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.metadata.name.startsWith("a") && self.kind == "W"' }, { rule: 'self.metadata.labels.size() > 0' }] }), true);
    assert.equal(root[0]!.error, undefined);
    assert.match(root[1]!.error!, /undefined field 'labels'/);
  });
  it('escapes property names as kube does', () => {
    assert.deepEqual(errorsOf([{ rule: 'self.image__dash__name.endsWith(":latest") == false' }], { 'image-name': 'nginx:latest' }), [
      'spec: Invalid value: "object": failed rule: self.image__dash__name.endsWith(":latest") == false'.replace('"object": ', ''),
    ]);
  });
  it('marks transition rules and compiles messageExpression as a string', () => {
    const [r] = compileRules(toStructural({ type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= oldSelf', messageExpression: '"was " + string(oldSelf)' }] }), false);
    assert.equal(r!.usesOldSelf, true);
    assert.ok(r!.messageProgram);
    const [bad] = compileRules(toStructural({ type: 'integer', 'x-kubernetes-validations': [{ rule: 'true', messageExpression: 'self' }] }), false);
    assert.equal(bad!.messageError, 'messageExpression must evaluate to a string');
  });
});

describe('CEL rules: runtime', () => {
  it('reports a failing rule at its node with kube\'s default message', () => {
    assert.deepEqual(errorsOf([{ rule: 'self.replicas >= self.min' }], { replicas: 1, min: 2 }), ['spec: Invalid value: failed rule: self.replicas >= self.min']);
    assert.deepEqual(errorsOf([{ rule: 'self.replicas >= self.min' }], { replicas: 3, min: 2 }), []);
  });
  it('uses message, then messageExpression, and shows a scalar\'s value', () => {
    assert.deepEqual(errorsOf([{ rule: 'self.replicas < 5', message: 'too many' }], { replicas: 9 }), ['spec: Invalid value: too many']);
    assert.deepEqual(errorsOf([{ rule: 'self.replicas < 5', messageExpression: '"got " + string(self.replicas)' }], { replicas: 9 }), ['spec: Invalid value: got 9']);
    const s = schemaWith([], { n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self % 2 == 0', message: 'must be even' }] } });
    assert.deepEqual(s.validate(widget({ n: 3 })).map(String), ['spec.n: Invalid value: 3: must be even']);
  });
  it('types the error by reason and places it at fieldPath', () => {
    assert.deepEqual(errorsOf([{ rule: 'has(self.name)', reason: 'FieldValueRequired', fieldPath: '.name', message: 'name is required' }], {}), ['spec.name: Required value: name is required']);
    assert.deepEqual(errorsOf([{ rule: 'self.replicas < 5', reason: 'FieldValueForbidden', message: 'no' }], { replicas: 9 }), ['spec: Forbidden: no']);
    const [dup] = schemaWith([{ rule: 'false', reason: 'FieldValueDuplicate' }]).validate(widget({}));
    assert.equal(dup!.type, 'FieldValueDuplicate');
  });
  it('a runtime error is a field error, not a throw', () => {
    assert.deepEqual(errorsOf([{ rule: 'self.replicas > 0' }], {}), ['spec: Invalid value: "object": no such key: replicas evaluating rule: self.replicas > 0']);
    assert.deepEqual(errorsOf([{ rule: 'self.replicas + 9223372036854775807 > 0' }], { replicas: 1 }), ['spec: Invalid value: "object": integer overflow evaluating rule: self.replicas + 9223372036854775807 > 0']);
    assert.deepEqual(errorsOf([{ rule: 'self.tags[5] == "a"' }], { tags: [] }).length, 1);
    assert.match(errorsOf([{ rule: 'self.any + 1 > 0' }], { any: 'str' })[0]!, /'no such overload': call arguments did not match/);
  });
  it('transition rules run only on update; self == oldSelf makes a field immutable', () => {
    const rules = [{ rule: 'self.name == oldSelf.name', message: 'name is immutable' }];
    assert.deepEqual(errorsOf(rules, { name: 'a' }), []);
    assert.deepEqual(errorsOf(rules, { name: 'a' }, { name: 'a' }), []);
    assert.deepEqual(errorsOf(rules, { name: 'b' }, { name: 'a' }), ['spec: Invalid value: name is immutable']);
  });
  it('list-type=map items correlate by key for oldSelf', () => {
    const rules: Rule[] = [];
    assert.deepEqual(errorsOf(rules, { ports: [{ name: 'b', port: 2 }, { name: 'a', port: 1 }] }, { ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] }), []);
    assert.deepEqual(errorsOf(rules, { ports: [{ name: 'a', port: 5 }] }, { ports: [{ name: 'a', port: 1 }] }), ['spec.ports[0].port: Invalid value: 5: port is immutable']);
    assert.deepEqual(errorsOf(rules, { ports: [{ name: 'c', port: 5 }] }, { ports: [{ name: 'a', port: 1 }] }), []);
  });
  it('ratchets: a rule failing on an unchanged value is not reported on update', () => {
    const rules = [{ rule: 'self.replicas < 5', message: 'too many' }];
    assert.deepEqual(errorsOf(rules, { replicas: 9 }, { replicas: 9 }), []);
    assert.deepEqual(errorsOf(rules, { replicas: 10 }, { replicas: 9 }), ['spec: Invalid value: too many']);
  });
  it('type errors leave the rules unchecked, as kube\'s hasBlockingErr', () => {
    const errs = errorsOf([{ rule: 'self.replicas < 5' }], { replicas: 'x' });
    assert.equal(errs.at(-1), '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation');
  });
  it('bounds runtime cost per request', () => {
    const tags = Array.from({ length: 2000 }, (_, i) => `t${i}`);
    const errs = errorsOf([{ rule: 'self.tags.all(x, self.tags.all(y, x == y || x != y))' }], { tags });
    assert.deepEqual(errs, ['spec: Invalid value: "object": validation failed due to running out of cost budget, no further validation rules will be run']);
  });
});

describe('CEL rules: the walk', () => {
  const props = {
    tags: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self != "bad"', message: 'bad tag' }] } },
    labels: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 4', message: 'long label' }] } },
    nested: { type: 'object', properties: { deep: { type: 'object', properties: { leaf: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == "ok"' }] } } } } },
  };
  const errs = (rules: Rule[], spec: Record<string, unknown>, oldSpec?: Record<string, unknown>) =>
    schemaWith(rules, props).validate(widget(spec), oldSpec ? widget(oldSpec) : undefined).map(String);

  it('reports each failure at its node: list items, map keys, nested properties, a rule\'s fieldPath', () => {
    const spec = { tags: ['a', 'bad', 'bad'], labels: { 'x.y/z': 'longer', ok: 'a' }, nested: { deep: { leaf: 'no' } }, name: 'n' };
    assert.deepEqual(errs([{ rule: 'self.name == "m"', fieldPath: ".labels['x.y/z']", message: 'name' }], spec), [
      'spec.labels[x.y/z]: Invalid value: name',
      'spec.tags[1]: Invalid value: "bad": bad tag',
      'spec.tags[2]: Invalid value: "bad": bad tag',
      'spec.labels[x.y/z]: Invalid value: "longer": long label',
      'spec.nested.deep.leaf: Invalid value: "no": failed rule: self == "ok"',
    ]);
  });

  it('ratchets each node by its own old value (map values and properties correlate, an atomic list\'s items do not)', () => {
    const old = { tags: ['bad'], labels: { a: 'longer' }, nested: { deep: { leaf: 'no' } } };
    assert.deepEqual(errs([], old, old), ['spec.tags[0]: Invalid value: "bad": bad tag']);
    assert.deepEqual(errs([], { ...old, labels: { a: 'longer', b: 'longer' }, nested: { deep: { leaf: 'still no' } } }, old), [
      'spec.tags[0]: Invalid value: "bad": bad tag',
      'spec.labels[b]: Invalid value: "longer": long label',
      'spec.nested.deep.leaf: Invalid value: "still no": failed rule: self == "ok"',
    ]);
  });

  it('counts every rule of a request against one runtime budget', () => {
    // Each rule alone stays under the budget (700² iterations); the second one runs it out.
    const tags = Array.from({ length: 700 }, (_, i) => `t${i}`);
    const loop = { rule: 'self.tags.all(x, self.tags.all(y, x == y || x != y))' };
    assert.deepEqual(errs([loop], { tags }), []);
    assert.deepEqual(errs([loop, loop, loop], { tags }), ['spec: Invalid value: "object": validation failed due to running out of cost budget, no further validation rules will be run']);
  });

  it('matches a literal pattern as it matches one computed at runtime, bad patterns included', () => {
    const outcomes = new Set<string>();
    const cases: [string, string][] = [['abc', '^[a-z]+$'], ['ab1', '^[a-z]+$'], ['x', '(?i)X'], ['😀', '^.$'], ['a', '(']];
    for (const [name, pattern] of cases) {
      const literal = errs([{ rule: `self.name.matches(${JSON.stringify(pattern)})`, message: 'no match' }], { name });
      const computed = errs([{ rule: 'self.name.matches(self.image__dash__name)', message: 'no match' }], { name, 'image-name': pattern });
      assert.deepEqual(literal, computed, `${name} ~ ${pattern}`);
      outcomes.add(literal.join());
    }
    // Matches, a mismatch and a bad pattern's error all occurred.
    assert.equal(outcomes.size, 3, [...outcomes].join('\n'));
    assert.deepEqual(errs([{ rule: 'self.name.matches("^.$")' }], { name: '😀' }), []);
  });

  it('sizes strings in code points, surrogate pairs and lone surrogates alike', () => {
    assert.deepEqual(errs([{ rule: 'size(self.name) == 3 && self.name.size() == 3' }], { name: '😀a\uD800' }), []);
    assert.deepEqual(errs([{ rule: 'size(self.name) == 800' }], { name: 'x'.repeat(800) }), []);
  });
});
