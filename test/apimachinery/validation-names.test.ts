import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  maskTrailingDash,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from '../../src/apimachinery/validation/names.js';
import { generateName, GENERATED_NAME_ALPHABET, MAX_GENERATED_NAME_LENGTH } from '../../src/apimachinery/validation/generate-name.js';

const a = (n: number): string => 'a'.repeat(n);

/** Runs kube's good/bad value lists against a check. */
function table(name: string, check: (v: string) => string[], good: string[], bad: string[]): void {
  describe(name, () => {
    for (const v of good) it(`accepts ${JSON.stringify(v.length > 20 ? `${v.slice(0, 10)}…(${v.length})` : v)}`, () => assert.deepEqual(check(v), []));
    for (const v of bad) it(`refuses ${JSON.stringify(v.length > 20 ? `${v.slice(0, 10)}…(${v.length})` : v)}`, () => assert.notDeepEqual(check(v), []));
  });
}

// The value lists are kube's own (util/validation/validation_test.go).
table(
  'isDNS1123Label',
  isDNS1123Label,
  ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', a(63)],
  ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', a(64)],
);

table(
  'isDNS1123Subdomain',
  isDNS1123Subdomain,
  ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1', '0.a', '01.a', '012.a', '1a.a', '1-a.a', '0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1', 'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55', a(253)],
  ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A', '1A.a', '1a.A', 'A.B.C.D.E', 'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a_b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b', a(254)],
);

table(
  'isDNS1035Label',
  isDNS1035Label,
  ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', a(63)],
  ['0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', a(64)],
);

table(
  'isQualifiedName',
  isQualifiedName,
  ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', a(63), `${a(253)}/${'b'.repeat(63)}`],
  ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc', 'example.com/', '/simple', a(64), `${a(254)}/abc`],
);

table(
  'isValidLabelValue',
  isValidLabelValue,
  ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', a(63), ''],
  ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', a(64)],
);

table('isConfigMapKey', isConfigMapKey, ['a', 'key.name', 'KEY_NAME', 'key-name', '.a', a(253)], ['', '.', '..', '..a', 'a/b', 'a b', a(254)]);

describe("kube's exact texts", () => {
  it('DNS-1123 subdomain', () => {
    assert.deepEqual(isDNS1123Subdomain('Foo'), [
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    assert.deepEqual(isDNS1123Subdomain(a(254)), ['must be no more than 253 characters']);
  });

  it('DNS-1123 label, and a subdomain that is not a label', () => {
    assert.deepEqual(isDNS1123Label('My_ns'), [
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character " +
        "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.deepEqual(isDNS1123Label(a(64)), ['must be no more than 63 characters']);
  });

  it('DNS-1035 label', () => {
    assert.deepEqual(isDNS1035Label('1abc'), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character " +
        "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('qualified names: name part, prefix part, too many slashes', () => {
    const namePart =
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
      "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    assert.deepEqual(isQualifiedName('-bad'), [namePart]);
    assert.deepEqual(isQualifiedName('example.com/'), ['name part must be non-empty', namePart]);
    assert.deepEqual(isQualifiedName('/simple'), ['prefix part must be non-empty']);
    assert.deepEqual(isQualifiedName(a(64)), ['name part must be no more than 63 characters']);
    assert.match(isQualifiedName('Example.com/abc')[0], /^prefix part a lowercase RFC 1123 subdomain must consist of/);
    assert.deepEqual(isQualifiedName('only/one/slash'), [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') " +
        "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });

  it('label values', () => {
    assert.deepEqual(isValidLabelValue('-x'), [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
    assert.equal(isValidLabelValue(a(64))[0], 'must be no more than 63 characters');
  });

  it('lengths are counted in UTF-8 bytes, as Go counts them', () => {
    assert.equal(isDNS1123Label('é'.repeat(32)).includes('must be no more than 63 characters'), true);
  });
});

describe('path segment names', () => {
  it("refuses '.', '..', '/' and '%'", () => {
    assert.deepEqual(isValidPathSegmentName('.'), ["may not be '.'"]);
    assert.deepEqual(isValidPathSegmentName('..'), ["may not be '..'"]);
    assert.deepEqual(isValidPathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(isValidPathSegmentName('a..b'), []);
    assert.deepEqual(isValidPathSegmentName('Anything_Goes:here'), []);
  });

  it('the prefix form allows . and ..', () => {
    assert.deepEqual(isValidPathSegmentPrefix('..'), []);
    assert.deepEqual(validatePathSegmentName('..', true), []);
    assert.deepEqual(validatePathSegmentName('..', false), ["may not be '..'"]);
    assert.deepEqual(validatePathSegmentName('a/', true), ["may not contain '/'"]);
  });
});

describe('name validators and generateName prefixes', () => {
  it('allow a trailing dash only as a prefix', () => {
    assert.deepEqual(nameIsDNSSubdomain('foo-', true), []);
    assert.notDeepEqual(nameIsDNSSubdomain('foo-', false), []);
    assert.deepEqual(nameIsDNSLabel('web-', true), []);
    assert.deepEqual(nameIsDNS1035Label('svc-', true), []);
    assert.notDeepEqual(nameIsDNS1035Label('1svc-', true), []);
  });

  it("mask the dash as kube does (drops two characters, appends 'a')", () => {
    assert.equal(maskTrailingDash('foo-'), 'foa');
    assert.equal(maskTrailingDash('-'), '-');
    assert.equal(maskTrailingDash('foo'), 'foo');
    // So a prefix like 'a.-' is accepted: kube checks 'aa'.
    assert.deepEqual(nameIsDNSSubdomain('a.-', true), []);
  });
});

describe('generateName', () => {
  it('appends five characters from kube alphabet', () => {
    const name = generateName('web-');
    assert.match(name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('cuts the base to 58 characters so the result fits a DNS label', () => {
    const name = generateName(a(100));
    assert.equal(name.length, 63);
    assert.equal(name.slice(0, MAX_GENERATED_NAME_LENGTH), a(58));
    assert.deepEqual(nameIsDNSLabel(name, false), []);
  });

  it('uses every index the random source gives', () => {
    let i = 0;
    const picks = generateName('x-', () => i++);
    assert.equal(picks, `x-${GENERATED_NAME_ALPHABET.slice(0, 5)}`);
    assert.equal(generateName('', () => GENERATED_NAME_ALPHABET.length - 1), '99999');
  });
});
