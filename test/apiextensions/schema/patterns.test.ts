import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enableLinearRegExp } from '../../../src/apiextensions/customresourcedefinition/go-regexp.js';
import { widget, widgetSchema } from './fixtures.js';

// Runs in its own process (node --test runs each file apart): enabling the linear engine stays here.
const schemaWith = (pattern: string) =>
  widgetSchema({ type: 'object', properties: { spec: { type: 'object', properties: { v: { type: 'string', pattern } } } } });
const hostile = `${'a'.repeat(40)}!`;

describe('patterns never backtrack catastrophically', () => {
  it('without the linear engine a pattern with a quantified group is not run', () => {
    assert.deepEqual(schemaWith('^(a+)+$').validate(widget({ v: hostile })), []);
    assert.deepEqual(schemaWith('^a+$').validate(widget({ v: hostile })).map(String), [
      `spec.v: Invalid value: "${hostile}": spec.v in body should match '^a+$'`,
    ]);
  });

  it('with the linear engine every pattern is checked, in linear time', () => {
    enableLinearRegExp();
    assert.deepEqual(schemaWith('^(a+)+$').validate(widget({ v: hostile })).map(String), [
      `spec.v: Invalid value: "${hostile}": spec.v in body should match '^(a+)+$'`,
    ]);
    assert.deepEqual(schemaWith('^([a-z0-9]+\\.)*[a-z]+$').validate(widget({ v: 'a.b.c' })), []);
  });
});
