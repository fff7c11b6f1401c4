import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FieldSelector,
  SelectorParseError,
  escapeValue,
  parseFieldSelector,
  unescapeValue,
} from '../../src/apimachinery/fields.js';

describe('parseFieldSelector', () => {
  // kube's TestSelectorParse.
  for (const text of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b']) {
    it(`accepts ${JSON.stringify(text)} and prints it back`, () => {
      assert.equal(parseFieldSelector(text).toString(), text);
    });
  }
  for (const text of ['x=a||y=b', 'x==a==b', 'x=a,b', 'x in (a)', 'x in (a,b,c)', 'x']) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseFieldSelector(text), SelectorParseError);
    });
  }

  it("kube's messages", () => {
    assert.throws(() => parseFieldSelector('x=a,b'), { message: "invalid selector: 'x=a,b'; can't understand 'b'" });
    assert.throws(() => parseFieldSelector('x in (a)'), { message: "invalid selector: 'x in (a)'; can't understand 'x in (a)'" });
    // kube prints the unescaped character as its code point ('=' is 61, ',' is 44).
    assert.throws(() => parseFieldSelector('x==a==b'), { message: 'invalid field selector: unescaped character in value: 61' });
    assert.throws(() => parseFieldSelector('x=a\\b'), { message: 'invalid field selector: invalid escape sequence: \\b' });
    assert.throws(() => parseFieldSelector('x=a\\'), { message: 'invalid field selector: invalid escape sequence: \\' });
  });

  it('reads = and == as the same operator, and sorts terms by their text', () => {
    assert.deepEqual(parseFieldSelector('status.phase!=Running,metadata.name==web,spec.nodeName=n1').requirements(), [
      { field: 'metadata.name', operator: '=', value: 'web' },
      { field: 'spec.nodeName', operator: '=', value: 'n1' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
    assert.equal(parseFieldSelector('b==2,a=1').toString(), 'a=1,b=2');
  });

  it('skips empty terms and keeps escaped commas in values', () => {
    assert.deepEqual(parseFieldSelector(',a=a,').requirements(), [{ field: 'a', operator: '=', value: 'a' }]);
    // Sorted by raw term text, so 'k2=v2' comes first ('2' sorts before '=').
    assert.deepEqual(parseFieldSelector('k=\\,,k2=v2').requirements(), [
      { field: 'k2', operator: '=', value: 'v2' },
      { field: 'k', operator: '=', value: ',' },
    ]);
    assert.deepEqual(parseFieldSelector('k=\\\\,k2=v2').requirements(), [
      { field: 'k2', operator: '=', value: 'v2' },
      { field: 'k', operator: '=', value: '\\' },
    ]);
    assert.deepEqual(parseFieldSelector('함=수,목=록').requirements(), [
      { field: '목', operator: '=', value: '록' },
      { field: '함', operator: '=', value: '수' },
    ]);
  });

  it('takes the first operator in the term; the value may be empty', () => {
    assert.deepEqual(parseFieldSelector('a!=').requirements(), [{ field: 'a', operator: '!=', value: '' }]);
    assert.deepEqual(parseFieldSelector('a=!b').requirements(), [{ field: 'a', operator: '=', value: '!b' }]);
  });
});

describe('FieldSelector', () => {
  it('matches, reading an absent field as the empty string', () => {
    const s = parseFieldSelector('metadata.name=web,status.phase!=Failed');
    assert.equal(s.matches({ 'metadata.name': 'web', 'status.phase': 'Running' }), true);
    assert.equal(s.matches({ 'metadata.name': 'web' }), true);
    assert.equal(s.matches({ 'metadata.name': 'web', 'status.phase': 'Failed' }), false);
    assert.equal(s.matches({ 'metadata.name': 'db' }), false);
    assert.equal(parseFieldSelector('a=').matches({}), true);
    assert.equal(parseFieldSelector('constructor=').matches({}), true);
  });

  it('empty, everything and nothing', () => {
    assert.equal(parseFieldSelector('').isEmpty(), true);
    assert.equal(parseFieldSelector('').matches({ a: 'b' }), true);
    assert.equal(parseFieldSelector('a=b').isEmpty(), false);
    assert.equal(FieldSelector.everything().isEmpty(), true);
    assert.equal(FieldSelector.nothing().isEmpty(), false);
    assert.equal(FieldSelector.nothing().matches({}), false);
  });

  // kube's TestRequiresExactMatch.
  it('requiresExactMatch', () => {
    assert.equal(parseFieldSelector('').requiresExactMatch('test'), undefined);
    assert.equal(parseFieldSelector('a=b').requiresExactMatch('test'), undefined);
    assert.equal(parseFieldSelector('test=b').requiresExactMatch('test'), 'b');
    assert.equal(parseFieldSelector('test==b').requiresExactMatch('test'), 'b');
    assert.equal(parseFieldSelector('test=').requiresExactMatch('test'), '');
    assert.equal(parseFieldSelector('test!=b').requiresExactMatch('test'), undefined);
    assert.equal(parseFieldSelector('test!=a,test=b').requiresExactMatch('test'), 'b');
    assert.equal(parseFieldSelector('a=c,metadata.name=x').requiresExactMatch('metadata.name'), 'x');
  });

  it('transforms terms and drops those that become empty', () => {
    const s = parseFieldSelector('name=x,spec.host=h').transform((field, value) =>
      field === 'name' ? { field: 'metadata.name', value } : { field: '', value: '' },
    );
    assert.deepEqual(s.requirements(), [{ field: 'metadata.name', operator: '=', value: 'x' }]);
    assert.throws(() =>
      parseFieldSelector('bad=1').transform(() => {
        throw new Error('field label not supported: bad');
      }),
    );
  });

  it('builds from a set', () => {
    assert.equal(FieldSelector.fromSet({ 'metadata.name': 'a,b' }).toString(), 'metadata.name=a\\,b');
  });
});

describe('escaping', () => {
  // kube's TestEscapeValue.
  const cases: [string, string][] = [
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
  ];
  for (const [raw, escaped] of cases) {
    it(`${JSON.stringify(raw)} <-> ${JSON.stringify(escaped)}`, () => {
      assert.equal(escapeValue(raw), escaped);
      assert.equal(unescapeValue(escaped), raw);
    });
  }
  for (const bad of ['\\', '\\\\\\', '\\a']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => unescapeValue(bad), /invalid escape sequence/);
    });
  }
});
