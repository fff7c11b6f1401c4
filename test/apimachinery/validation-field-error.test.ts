import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as field from '../../src/apimachinery/validation/field-error.js';
import { FieldPath } from '../../src/apimachinery/validation/path.js';
import { goQuote } from '../../src/apimachinery/validation/go-format.js';
import { newInvalid } from '../../src/apimachinery/invalid.js';
import { isStatusError } from '../../src/apimachinery/status-error.js';

const p = FieldPath.of('metadata');

describe('FieldPath', () => {
  it('prints children, indexes and keys as kube does', () => {
    assert.equal(String(p.child('name')), 'metadata.name');
    assert.equal(String(FieldPath.of('spec', 'containers').index(0).child('name')), 'spec.containers[0].name');
    assert.equal(String(p.child('labels').key('app.kubernetes.io/name')), 'metadata.labels[app.kubernetes.io/name]');
  });
});

describe('FieldError texts', () => {
  const cases: [field.FieldError, string][] = [
    [field.invalid(p.child('name'), 'Foo', 'bad'), 'metadata.name: Invalid value: "Foo": bad'],
    [field.required(p.child('name'), 'name or generateName is required'), 'metadata.name: Required value: name or generateName is required'],
    [field.required(p.child('namespace')), 'metadata.namespace: Required value'],
    [field.notSupported('spec.type', 'x', ['a', 'b']), 'spec.type: Unsupported value: "x": supported values: "a", "b"'],
    [field.notSupported('spec.type', 'x', []), 'spec.type: Unsupported value: "x"'],
    [field.tooLong(p.child('annotations'), 262144), 'metadata.annotations: Too long: may not be more than 262144 bytes'],
    [field.tooLong('x', -1), 'x: Too long: value is too long'],
    [field.forbidden(p.child('namespace'), 'not allowed on this type'), 'metadata.namespace: Forbidden: not allowed on this type'],
    [field.duplicate('spec.ports[1].port', 80), 'spec.ports[1].port: Duplicate value: 80'],
    [field.duplicate('spec.ports[1].name', 'http'), 'spec.ports[1].name: Duplicate value: "http"'],
    [field.notFound('spec.x', 'y'), 'spec.x: Not found: "y"'],
    [field.tooMany('spec.items', 12, 10), 'spec.items: Too many: 12: must have at most 10 items'],
    [field.tooMany('spec.items', -1, 10), 'spec.items: Too many: must have at most 10 items'],
    [field.internalError('spec', new Error('boom')), 'spec: Internal error: boom'],
    [field.invalid('spec.replicas', -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [field.invalid('spec.paused', true, 'x'), 'spec.paused: Invalid value: true: x'],
    [field.invalid('spec.x', null, 'x'), 'spec.x: Invalid value: null: x'],
    [field.invalid('spec.x', ['a', 'b'], 'x'), 'spec.x: Invalid value: []string{"a", "b"}: x'],
    [field.invalid('spec.x', { a: 1 }, 'x'), 'spec.x: Invalid value: {"a":1}: x'],
    [field.invalid('spec.x', field.OMIT_VALUE, 'x'), 'spec.x: Invalid value: x'],
    [field.invalid('spec.x', 'a', ''), 'spec.x: Invalid value: "a"'],
  ];
  for (const [err, text] of cases) it(text, () => assert.equal(String(err), text));

  it('carries type, field, bad value and detail', () => {
    const err = field.invalid(p.child('name'), 'Foo', 'bad');
    assert.deepEqual([err.type, err.field, err.badValue, err.detail], ['FieldValueInvalid', 'metadata.name', 'Foo', 'bad']);
    assert.equal(err.body(), 'Invalid value: "Foo": bad');
  });
});

describe('goQuote (Go strconv.Quote)', () => {
  it('escapes as Go does', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('tab\there\n'), '"tab\\there\\n"');
    assert.equal(goQuote('\x00\x7f'), '"\\x00\\x7f"');
    assert.equal(goQuote('Māori 함'), '"Māori 함"');
    assert.equal(goQuote('\u200b'), '"\\u200b"');
  });
});

describe('aggregateMessage', () => {
  it('none, one bare, several bracketed, repeats dropped', () => {
    const a = field.required('a');
    const b = field.required('b');
    assert.equal(field.aggregateMessage([]), undefined);
    assert.equal(field.aggregateMessage([a]), 'a: Required value');
    assert.equal(field.aggregateMessage([a, a]), 'a: Required value');
    assert.equal(field.aggregateMessage([a, b, a]), '[a: Required value, b: Required value]');
  });
});

describe('newInvalid', () => {
  it("builds kube's 422 Status with one cause per error", () => {
    const err = newInvalid({ group: 'apps', kind: 'Deployment' }, 'web', [
      field.required(p.child('name'), 'name or generateName is required'),
      field.invalid(p.child('labels'), '-a', 'bad key'),
    ]);
    assert.ok(isStatusError(err));
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.deepEqual(err.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message:
        'Deployment.apps "web" is invalid: [metadata.name: Required value: name or generateName is required, metadata.labels: Invalid value: "-a": bad key]',
      details: {
        name: 'web',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' },
          { reason: 'FieldValueInvalid', message: 'Invalid value: "-a": bad key', field: 'metadata.labels' },
        ],
      },
    });
  });

  it('a core kind with one error has no group and no brackets', () => {
    const err = newInvalid({ group: '', kind: 'ConfigMap' }, 'Foo', [field.invalid(p.child('name'), 'Foo', 'bad')]);
    assert.equal(err.status.message, 'ConfigMap "Foo" is invalid: metadata.name: Invalid value: "Foo": bad');
    assert.equal(err.status.details?.group, undefined);
    assert.equal(err.message, err.status.message);
  });

  it('no errors and no name', () => {
    const err = newInvalid({ group: '', kind: 'Pod' }, '', []);
    assert.equal(err.status.message, 'Pod "" is invalid');
    assert.deepEqual(err.status.details, { kind: 'Pod' });
  });
});
