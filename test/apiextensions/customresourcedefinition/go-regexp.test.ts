// Runs in its own process (node --test runs each file apart): enabling the linear engine stays here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foldCase } from '../../../src/apiextensions/customresourcedefinition/case-fold.js';
import { compileForMatching, enableLinearRegExp, goRegexpError } from '../../../src/apiextensions/customresourcedefinition/go-regexp.js';

describe('goRegexpError', () => {
  const cases: Array<[string, string | undefined]> = [
    ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', undefined],
    ['(?i)^abc$', undefined],
    ['^((?i)sun|mon)day$', undefined],
    ['(?P<name>a)\\z', undefined],
    ['[[:alpha:]]+', undefined],
    ['a(?=b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
  ];
  for (const [pattern, want] of cases) {
    it(pattern, () => assert.equal(goRegexpError(pattern), want));
  }
  it('an unbalanced group', () => assert.match(goRegexpError('(ab') ?? '', /^error parsing regexp: /));
});

describe('foldCase', () => {
  const cases: Array<[string, string]> = [
    ['abc', '[aA][bB][cC]'],
    ['[a-f0-9]', '[a-fA-F0-9]'],
    ['\\d+x{2,3}', '\\d+[xX]{2,3}'],
    ['(?:ab)|(?<n>c)', '(?:[aA][bB])|(?<n>[cC])'],
    ['\\p{L}\\x41', '\\p{L}\\x41'],
  ];
  for (const [src, want] of cases) it(src, () => assert.equal(foldCase(src), want));
});

describe('mayBacktrackCatastrophically', async () => {
  const { mayBacktrackCatastrophically } = await import('../../../src/apiextensions/customresourcedefinition/backtracking-risk.js');
  const cases: Array<[string, boolean]> = [
    ['^(a+)+$', true],
    ['^(?:a|aa)*$', true],
    ['^([a-z]+\\.)*[a-z]+$', true],
    ['^([0-9]{1,5}(h|m|s|ms)){1,4}$', false],
    ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', false],
    ['^(abc)+$', false],
    ['^[(a+)]+$', false],
  ];
  for (const [src, want] of cases) it(src, () => assert.equal(mayBacktrackCatastrophically(src), want));
});

describe('compileForMatching', () => {
  it('without the linear engine, quantified groups are not run', () => {
    assert.equal(compileForMatching('^(a+)+$'), undefined);
    assert.ok(compileForMatching('^[a-z]+$')?.test('abc'));
  });

  it('with it, every pattern runs in linear time, case-insensitive ones too', () => {
    assert.equal(enableLinearRegExp(), true);
    const re = compileForMatching('^(a+)+$');
    assert.ok(re);
    assert.equal(re.test(`${'a'.repeat(100_000)}!`), false);
    const months = compileForMatching('^((?i)jan|feb)(-[0-9]+)*$');
    assert.ok(months !== undefined && months.flags.includes('l'));
    assert.ok(months.test('JAN-1-2'));
    assert.ok(!months.test('mar'));
  });
});
