import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusError, type StatusError } from '../../../src/apimachinery/status-error.js';
import {
  applyPatchFieldValidation,
  findPatchedObjectUnknownFields,
  findPatchFieldErrors,
  patchedObjectText,
  schemaForKind,
  warningHeaderValues,
} from '../../../src/endpoints/field-validation/index.js';
import { goTimeParseError, RFC3339, RFC3339_MICRO } from '../../../src/endpoints/field-validation/go-time.js';
import { quantityError, ERR_FORMAT_WRONG, ERR_NUMERIC, ERR_SUFFIX } from '../../../src/endpoints/field-validation/quantity.js';
import { parseJSONTree } from '../../../src/endpoints/field-validation/json-tree.js';
import { findYAMLDuplicates } from '../../../src/endpoints/field-validation/yaml-duplicates.js';

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(isStatusError(err), `not a StatusError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a StatusError');
}

const deploymentSchema = schemaForKind('apps/v1', 'Deployment');

describe('patch text', () => {
  it('merge patch: duplicate keys anywhere, nothing unknown', () => {
    const f = findPatchFieldErrors('{"spec":{"replicas":1,"replicas":2,"whatever":{"a":1,"a":2}}}', 'merge');
    assert.deepEqual(f.errors, ['duplicate field "spec.replicas"', 'duplicate field "spec.whatever.a"']);
  });

  it('JSON patch: unknown and duplicate keys of the operations, prefixed "json patch"', () => {
    const f = findPatchFieldErrors('[{"op":"add","path":"/a","value":{"x":1,"x":2},"bogus":1},{"op":"remove","op":"remove","path":"/b"}]', 'json');
    assert.deepEqual(f.errors, ['json patch duplicate field "[0].value.x"', 'json patch unknown field "[0].bogus"', 'json patch duplicate field "[1].op"']);
  });

  it('a patch that does not decode into its Go type is kube\'s 400', () => {
    let err = thrown(() => findPatchFieldErrors('{"op":"add"}', 'json'));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    err = thrown(() => findPatchFieldErrors('[{"op":5}]', 'json'));
    assert.equal(err.status.message, 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string');
    err = thrown(() => findPatchFieldErrors('[1]', 'merge'));
    assert.equal(err.status.message, 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
    err = thrown(() => findPatchFieldErrors('[1]', 'strategic'));
    assert.equal(err.status.message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  });
});

describe('patched object', () => {
  const patched = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { zeta: 1, replicas: 1, alpha: { b: 1 } } };

  it('unknown fields in Go map order for JSON and merge patches, by message for strategic ones', () => {
    assert.deepEqual(findPatchedObjectUnknownFields(patched, deploymentSchema, 'merge').unknown, ['spec.alpha', 'spec.zeta']);
    const withMeta = { ...patched, metadata: { name: 'web', zz: 1 } };
    assert.deepEqual(findPatchedObjectUnknownFields(withMeta, deploymentSchema, 'merge').unknown, ['metadata.zz', 'spec.alpha', 'spec.zeta']);
    const sorted = findPatchedObjectUnknownFields({ spec: { 'a.b': 1, a: { c: 1 } } }, deploymentSchema, 'strategic');
    // By message: `unknown field "spec.a"` sorts before `unknown field "spec.a.b"`.
    assert.deepEqual(sorted.errors, ['unknown field "spec.a"', 'unknown field "spec.a.b"']);
  });

  it('Strict: one 422 on "patch" with the patched object, patch findings first', () => {
    const patchFindings = findPatchFieldErrors('{"spec":{"zeta":1,"zeta":1}}', 'merge');
    const objectFindings = findPatchedObjectUnknownFields(patched, deploymentSchema, 'merge');
    const err = thrown(() => applyPatchFieldValidation('Strict', patchFindings, objectFindings, patched, 'merge'));
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    const text = patchedObjectText(patched, 'merge');
    assert.equal(text, '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"alpha":{"b":1},"replicas":1,"zeta":1}}');
    assert.equal(
      err.status.message,
      ` "" is invalid: patch: Invalid value: ${JSON.stringify(text)}: strict decoding error: duplicate field "spec.zeta", unknown field "spec.alpha", unknown field "spec.zeta"`,
    );
    assert.deepEqual(err.status.details?.causes?.[0]?.field, 'patch');
  });

  it('Warn returns the texts; Ignore and clean patches nothing', () => {
    const objectFindings = findPatchedObjectUnknownFields(patched, deploymentSchema, 'json');
    const none = { unknown: [], duplicates: [], errors: [] };
    assert.deepEqual(applyPatchFieldValidation('Warn', none, objectFindings, patched, 'json').warnings, ['unknown field "spec.alpha"', 'unknown field "spec.zeta"']);
    assert.deepEqual(applyPatchFieldValidation('Ignore', none, objectFindings, patched, 'json').warnings, []);
    assert.deepEqual(applyPatchFieldValidation('Strict', none, none, patched, 'json').warnings, []);
  });

  it('strategic merge patches show the Go map (%+v)', () => {
    assert.equal(patchedObjectText({ b: [1, 'x'], a: { c: null, d: true } }, 'strategic'), 'map[a:map[c:<nil> d:true] b:[1 x]]');
  });
});

describe('warningHeaderValues', () => {
  it('299 with agent "-", quotes and backslashes escaped, one per distinct text', () => {
    assert.deepEqual(warningHeaderValues(['unknown field "spec.x"', 'a\\b', 'unknown field "spec.x"', '']), [
      '299 - "unknown field \\"spec.x\\""',
      '299 - "a\\\\b"',
    ]);
  });

  it('drops texts with control characters', () => {
    assert.deepEqual(warningHeaderValues(['line\nbreak', 'ok']), ['299 - "ok"']);
  });

  it('past 4096 runes in all, every text is cut to 256 runes', () => {
    const long = Array.from({ length: 20 }, (_, i) => `${i}:${'x'.repeat(300)}`);
    const values = warningHeaderValues(long);
    assert.ok(values.length < 20 && values.length >= 16, String(values.length));
    for (const v of values) assert.equal(v.length, '299 - ""'.length + 256);
    assert.deepEqual(warningHeaderValues(['a'.repeat(300)]), [`299 - "${'a'.repeat(300)}"`]);
  });
});

describe('Go time parsing', () => {
  it('accepts RFC 3339 (with an optional fraction) and MicroTime\'s six digits', () => {
    assert.equal(goTimeParseError(RFC3339, '2024-02-29T23:59:59Z'), undefined);
    assert.equal(goTimeParseError(RFC3339, '2024-01-02T03:04:05.123+01:00'), undefined);
    assert.equal(goTimeParseError(RFC3339_MICRO, '2024-01-02T03:04:05.123456Z'), undefined);
  });

  it('reports where the text stops matching, as Go does', () => {
    assert.equal(goTimeParseError(RFC3339, '2024/01/02'), 'parsing time "2024/01/02" as "2006-01-02T15:04:05Z07:00": cannot parse "/01/02" as "-"');
    assert.equal(goTimeParseError(RFC3339, '2024-01-02'), 'parsing time "2024-01-02" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"');
    assert.equal(goTimeParseError(RFC3339, '2024-13-02T00:00:00Z'), 'parsing time "2024-13-02T00:00:00Z": month out of range');
    assert.equal(goTimeParseError(RFC3339, '2023-02-29T00:00:00Z'), 'parsing time "2023-02-29T00:00:00Z": day out of range');
    assert.equal(goTimeParseError(RFC3339, '2024-01-02T00:00:00Zjunk'), 'parsing time "2024-01-02T00:00:00Zjunk": extra text: "junk"');
    assert.equal(
      goTimeParseError(RFC3339_MICRO, '2024-01-02T03:04:05Z'),
      'parsing time "2024-01-02T03:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    );
  });
});

describe('Quantity parsing', () => {
  it('accepts kube\'s forms', () => {
    for (const q of ['0', '1', '500m', '1.5Gi', '+2', '-1k', '1e3', '1E-2', '.5', '100Mi', '  3 ']) assert.equal(quantityError(q), undefined, q);
  });
  it('refuses the rest with kube\'s three messages', () => {
    assert.equal(quantityError(''), ERR_FORMAT_WRONG);
    assert.equal(quantityError('1Gb'), ERR_FORMAT_WRONG);
    assert.equal(quantityError('abc'), ERR_FORMAT_WRONG);
    assert.equal(quantityError('1K'), ERR_SUFFIX);
    assert.equal(quantityError('1e'), ERR_SUFFIX);
    assert.equal(quantityError('.'), ERR_NUMERIC);
  });
});

describe('JSON tree', () => {
  it('keeps member order, duplicates and number literals', () => {
    assert.deepEqual(parseJSONTree(' {"b":1.50,"a":[true,null,"x\\u0041"],"b":-2e3} '), {
      t: 'object',
      entries: [
        ['b', { t: 'number', text: '1.50' }],
        ['a', { t: 'array', items: [{ t: 'bool', v: true }, { t: 'null' }, { t: 'string', v: 'xA' }] }],
        ['b', { t: 'number', text: '-2e3' }],
      ],
    });
  });
  it('refuses what is not JSON', () => {
    for (const bad of ['{', '{"a" 1}', '[1,]', '{"a":1} x', 'tru']) assert.throws(() => parseJSONTree(bad), bad);
  });
});

describe('YAML duplicates', () => {
  it('finds keys repeated in mappings inside lists, and non-string keys', () => {
    const text = 'items:\n- name: a\n  name: b\n- 1: x\n  1: y\n';
    assert.deepEqual(findYAMLDuplicates(text), [
      { path: 'items[0].name', message: 'line 3: key "name" already set in map' },
      { path: 'items[1].1', message: 'line 5: key 1 already set in map' },
    ]);
  });
});
