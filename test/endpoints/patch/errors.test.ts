import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../../src/apimachinery/status-error.js';
import { errBadArgType, errNoListOfLists, errNoMergeKey, goString, goTypeName, StrategicMergePatchError } from '../../../src/endpoints/patch/errors.js';

describe('patch errors', () => {
  it('are StatusErrors with kube’s code, reason and message per kind of fault', () => {
    const bad = new StrategicMergePatchError(400, 'invalid patch format of retainKeys');
    assert.ok(bad instanceof StatusError);
    assert.deepEqual([bad.code, bad.reason, bad.status.message], [400, 'BadRequest', 'invalid patch format of retainKeys']);
    const invalid = errNoListOfLists();
    assert.deepEqual([invalid.code, invalid.reason, invalid.status.message, invalid.detail], [
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
      'lists of lists are not supported',
    ]);
    const other = errNoMergeKey({ image: 'nginx', ports: [{ containerPort: 80 }] }, 'name');
    assert.deepEqual([other.code, other.reason, other.status.message], [400, 'BadRequest', 'map: map[image:nginx ports:[map[containerPort:80]]] does not contain declared merge key: name']);
    assert.equal(errBadArgType('[]interface {}', { a: 1 }).detail, 'expected a []interface {}, but received a map[string]interface {}');
  });

  it('print decoded JSON as Go’s fmt does', () => {
    assert.equal(goString({ b: [1, 'x', true, null], a: 2.5 }), 'map[a:2.5 b:[1 x true <nil>]]');
    assert.equal(goString(1234567.5), '1.2345675e+06');
    assert.equal(goString(0.00001), '1e-05');
    assert.equal(goString('merge', '%s'), 'merge');
    assert.equal(goString(3, '%s'), '%!s(int64=3)');
    assert.deepEqual([null, 1, 1.5, 'a', false, [], {}].map(goTypeName), ['%!s(<nil>)', 'int64', 'float64', 'string', 'bool', '[]interface {}', 'map[string]interface {}']);
  });
});
