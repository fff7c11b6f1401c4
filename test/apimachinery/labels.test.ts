import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  LabelSelector,
  SelectorParseError,
  labelSelectorAsSelector,
  labelSelectorFromSet,
  newRequirement,
  parseLabelSelector,
} from '../../src/apimachinery/labels.js';

const parseError = (text: string): string => {
  try {
    parseLabelSelector(text);
  } catch (err) {
    assert.ok(err instanceof SelectorParseError, `${text}: ${String(err)}`);
    return err.message;
  }
  assert.fail(`${JSON.stringify(text)} parsed, expected an error`);
};

// The regex texts kube prints; spelled out once so the message tests stay readable.
const KEY_NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector', () => {
  // kube's TestSelectorParse: good strings print back without their spaces.
  for (const text of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
    it(`accepts ${JSON.stringify(text)} and prints it back`, () => {
      assert.equal(parseLabelSelector(text).toString(), text.replaceAll(' ', ''));
    });
  }

  // kube's TestSelectorParse and TestSetSelectorParser bad strings.
  for (const text of [
    'x=a||y=b',
    'x==a==b',
    '!x=a',
    'x<a',
    'x,,y',
    ',x,y',
    'x nott in (y)',
    'a in (xyz),',
    'a in (xyz)b notin ()',
    'a in (xyz abc)',
    'a notin(',
    'a (',
    '(',
  ]) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseLabelSelector(text), SelectorParseError);
    });
  }

  // kube's TestSetSelectorParser valid cases, compared through the canonical form.
  const canonical: [string, string][] = [
    ['\rx', 'x'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    ['this-is-another-dns.domain.com/key-with-dash in (so,what)', 'this-is-another-dns.domain.com/key-with-dash in (so,what)'],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['x  notin\t\t\t(abc,def)', 'x notin (abc,def)'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in ()', 'x in ()'],
    ['x notin (abc,,def),bar,z in (),w', 'bar,w,x notin (,abc,def),z in ()'],
    ['x,y in (a)', 'x,y in (a)'],
    ['x<7', 'x<7'],
    ['x=a,y!=b,z in (h,i,j)', 'x=a,y!=b,z in (h,i,j)'],
    ['x notin ( )', 'x notin ()'],
    ['x notin (, a)', 'x notin (,a)'],
    ['a ', 'a'],
    ['a in (x,y,notin, z,in)', 'a in (in,notin,x,y,z)'],
    ['notin=in', 'notin=in'],
    ['x==a', 'x==a'],
    ['x in (b,a,b)', 'x in (a,b)'],
  ];
  for (const [text, want] of canonical) {
    it(`parses ${JSON.stringify(text)} to ${JSON.stringify(want)}`, () => {
      assert.equal(parseLabelSelector(text).toString(), want);
    });
  }

  it('sorts requirements by key, so the parse is deterministic', () => {
    assert.equal(parseLabelSelector('x=a,a=x').toString(), 'a=x,x=a');
    assert.equal(parseLabelSelector('a=x,x=a').toString(), parseLabelSelector('x=a,a=x').toString());
  });

  it('gives the parsed requirements with kube operator names and sorted, deduplicated values', () => {
    const reqs = parseLabelSelector('z notin (b,a),!y,x,w>3,v==k').requirements();
    assert.deepEqual(
      reqs.map((r) => [r.key, r.operator, [...r.values]]),
      [
        ['v', '==', ['k']],
        ['w', 'gt', ['3']],
        ['x', 'exists', []],
        ['y', '!', []],
        ['z', 'notin', ['a', 'b']],
      ],
    );
  });

  describe("kube's messages", () => {
    const cases: [string, string][] = [
      ['-x', `unable to parse requirement: <nil>: Invalid value: "-x": ${KEY_NAME_PART}`],
      ['x=-a', `unable to parse requirement: values[0][x]: Invalid value: "-a": ${LABEL_VALUE}`],
      ['x<a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
      ['x==a==b', "found '==', expected: ',' or 'end of string'"],
      ['!x=a', "found '=', expected: ',' or 'end of string'"],
      ['x,,y', "found ',', expected: identifier after ','"],
      ['a in (xyz),', "found '', expected: identifier after ','"],
      [',x', "found ',', expected: !, identifier, or 'end of string'"],
      ['x nott in (y)', "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"],
      ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
      ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
      ['a in x', "unable to parse requirement: found 'x' expected: '('"],
      ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
      ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
      ['a=(', "unable to parse requirement: found '(', expected: identifier"],
      ['!', "unable to parse requirement: found '', expected: identifier"],
    ];
    for (const [text, message] of cases) {
      it(JSON.stringify(text), () => assert.equal(parseError(text), message));
    }

    it('a key with two slashes', () => {
      assert.match(parseError('a/b/c'), /^unable to parse requirement: <nil>: Invalid value: "a\/b\/c": a qualified name must consist of/);
    });

    it('a value over 63 characters', () => {
      const long = 'a'.repeat(64);
      assert.equal(
        parseError(`x=${long}`),
        `unable to parse requirement: values[0][x]: Invalid value: "${long}": must be no more than 63 characters`,
      );
    });
  });
});

describe('LabelSelector.matches', () => {
  // kube's TestSelectorMatches.
  const yes: [string, Record<string, string>][] = [
    ['', { x: 'y' }],
    ['x=y', { x: 'y' }],
    ['x=y,z=w', { x: 'y', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'a' }],
    ['notin=in', { notin: 'in' }],
    ['x', { x: 'z' }],
    ['!x', { y: 'z' }],
    ['x>1', { x: '2' }],
    ['x<1', { x: '0' }],
    ['foo=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
    ['x notin (a)', {}],
    ['x in (a,b)', { x: 'b' }],
    ['x=', { x: '' }],
    ['x<5', { x: '-4' }],
  ];
  const no: [string, Record<string, string>][] = [
    ['x=z', {}],
    ['x=y', { x: 'z' }],
    ['x=y,z=w', { x: 'w', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'w' }],
    ['x', { y: 'z' }],
    ['!x', { x: 'z' }],
    ['x>1', { x: '0' }],
    ['x<1', { x: '2' }],
    ['x>1', { x: 'v2' }],
    ['x>1', {}],
    ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
    ['x in ()', { y: 'baz' }],
    ['x=', {}],
    ['x<9223372036854775807', { x: '9223372036854775808' }],
  ];
  for (const [sel, labels] of yes) it(`${JSON.stringify(sel)} matches ${JSON.stringify(labels)}`, () => assert.equal(parseLabelSelector(sel).matches(labels), true));
  for (const [sel, labels] of no) it(`${JSON.stringify(sel)} does not match ${JSON.stringify(labels)}`, () => assert.equal(parseLabelSelector(sel).matches(labels), false));

  it('treats missing labels as an empty set, and never reads inherited keys', () => {
    assert.equal(parseLabelSelector('!x').matches(undefined), true);
    assert.equal(parseLabelSelector('x').matches(undefined), false);
    assert.equal(parseLabelSelector('constructor').matches({}), false);
    assert.equal(parseLabelSelector('!toString').matches({}), true);
  });
});

describe('LabelSelector', () => {
  it('everything is empty and matches all; nothing is not empty and matches none', () => {
    assert.equal(LabelSelector.everything().isEmpty(), true);
    assert.equal(LabelSelector.everything().matches({ a: 'b' }), true);
    assert.equal(LabelSelector.nothing().isEmpty(), false);
    assert.equal(LabelSelector.nothing().matches({}), false);
    assert.equal(parseLabelSelector('').isEmpty(), true);
    assert.equal(parseLabelSelector('a').isEmpty(), false);
  });

  // kube's TestRequiresExactMatch.
  it('requiresExactMatch', () => {
    assert.equal(parseLabelSelector('a=b').requiresExactMatch('a'), 'b');
    assert.equal(parseLabelSelector('a==b').requiresExactMatch('a'), 'b');
    assert.equal(parseLabelSelector('a in (b)').requiresExactMatch('a'), 'b');
    assert.equal(parseLabelSelector('a=').requiresExactMatch('a'), '');
    assert.equal(parseLabelSelector('a in (b,c)').requiresExactMatch('a'), undefined);
    assert.equal(parseLabelSelector('a!=b').requiresExactMatch('a'), undefined);
    assert.equal(parseLabelSelector('a').requiresExactMatch('a'), undefined);
    assert.equal(parseLabelSelector('b=c').requiresExactMatch('a'), undefined);
  });

  it('prints several values sorted without changing the requirement', () => {
    const r = newRequirement('x', 'in', ['def', 'abc']);
    assert.equal(LabelSelector.of([r]).toString(), 'x in (abc,def)');
    assert.deepEqual(r.values, ['def', 'abc']);
  });

  it('selects by a set', () => {
    const s = labelSelectorFromSet({ b: '2', a: '1' });
    assert.equal(s.toString(), 'a=1,b=2');
    assert.equal(labelSelectorFromSet({}).isEmpty(), true);
  });
});

describe('newRequirement', () => {
  // kube's TestRequirementConstructor, with the messages.
  const bad: [string, Parameters<typeof newRequirement>[1], string[], string][] = [
    ['x1', 'in', [], "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"],
    ['x5', '=', ['bar', 'foo'], 'values: Invalid value: []string{"bar", "foo"}: exact-match compatibility requires one single value'],
    ['x8', 'exists', ['foo'], 'values: Invalid value: []string{"foo"}: values set must be empty for exists and does not exist'],
    ['x13', 'gt', [], "values: Invalid value: []string{}: for 'Gt', 'Lt' operators, exactly one value is required"],
    ['x14', 'gt', ['bar'], `values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x16', '=', ['a'.repeat(254)], `values[0][x16]: Invalid value: "${'a'.repeat(254)}": must be no more than 63 characters`],
  ];
  for (const [key, op, values, message] of bad) {
    it(`${key} ${op} ${JSON.stringify(values)}`, () => {
      assert.throws(() => newRequirement(key, op, values), (err: unknown) => {
        assert.ok(err instanceof SelectorParseError);
        assert.equal(err.message, message);
        assert.equal(err.fieldErrors.length, 1);
        return true;
      });
    });
  }

  it('a key over 253 characters fails on its key', () => {
    assert.throws(() => newRequirement('a'.repeat(254), 'exists', []), /^SelectorParseError: key: Invalid value: "a{254}": name part must be no more than 63 characters$/);
  });

  it('a value with a space', () => {
    assert.throws(() => newRequirement('x17', '=', ['a b']), (err: unknown) => {
      assert.ok(err instanceof SelectorParseError);
      assert.equal(err.fieldErrors[0].field, 'values[0][x17]');
      return true;
    });
  });

  it('an unsupported operator', () => {
    const op = 'unsupportedOp' as Parameters<typeof newRequirement>[1];
    assert.throws(
      () => newRequirement('x18', op, []),
      { message: 'operator: Unsupported value: "unsupportedOp": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"' },
    );
  });

  it('several problems are bracketed', () => {
    assert.throws(() => newRequirement('-k', '=', []), (err: unknown) => {
      assert.ok(err instanceof SelectorParseError);
      assert.match(err.message, /^\[key: Invalid value: "-k": .*, values: Invalid value: \[\]string\{\}: exact-match compatibility requires one single value\]$/);
      return true;
    });
  });
});

describe('labelSelectorAsSelector', () => {
  it('a missing selector selects nothing; an empty one everything', () => {
    assert.equal(labelSelectorAsSelector(undefined).isNothing(), true);
    assert.equal(labelSelectorAsSelector(null).matches({}), false);
    assert.equal(labelSelectorAsSelector({}).isEmpty(), true);
    assert.equal(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).matches({ a: 'b' }), true);
  });

  it('combines matchLabels and matchExpressions, sorted by key', () => {
    const s = labelSelectorAsSelector({
      matchLabels: { app: 'web', tier: 'fe' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'NotIn', values: ['a'] },
        { key: 'team', operator: 'Exists' },
      ],
    });
    assert.equal(s.toString(), 'app=web,!canary,env in (dev,prod),team,tier=fe,zone notin (a)');
    assert.equal(s.matches({ app: 'web', tier: 'fe', env: 'dev', team: 'x' }), true);
    assert.equal(s.matches({ app: 'web', tier: 'fe', env: 'dev', team: 'x', canary: '1' }), false);
    assert.equal(s.matches({ app: 'web', tier: 'fe', env: 'qa', team: 'x' }), false);
    assert.equal(s.requiresExactMatch('app'), 'web');
  });

  it("refuses an unknown operator with kube's message", () => {
    assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] }), {
      name: 'SelectorParseError',
      message: '"Equals" is not a valid label selector operator',
    });
  });

  it('refuses In without values and a bad label value', () => {
    assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), {
      message: "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    });
    assert.throws(() => labelSelectorAsSelector({ matchLabels: { a: 'b c' } }), /^SelectorParseError: values\[0\]\[a\]: Invalid value: "b c": /);
  });
});
