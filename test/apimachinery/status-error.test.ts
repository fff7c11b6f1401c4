import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isAlreadyExists, isNotFound, newAlreadyExists, newConflict, newForbidden, newNotFound, newServiceUnavailable, StatusError,
} from '../../src/apimachinery/status-error.js';
import { failureStatus } from '../../src/apimachinery/status.js';
import { errorToAPIStatus } from '../../src/endpoints/responsewriters/status.js';

describe('StatusError factories', () => {
  it("use kube's messages and details", () => {
    const nf = newNotFound({ group: 'apps', resource: 'deployments' }, 'web');
    assert.equal(nf.status.message, 'deployments.apps "web" not found');
    assert.deepEqual(nf.status.details, { name: 'web', group: 'apps', kind: 'deployments' });
    assert.equal(nf.code, 404);
    assert.equal(newAlreadyExists({ group: '', resource: 'pods' }, 'p').status.message, 'pods "p" already exists');
    assert.equal(
      newConflict({ group: '', resource: 'configmaps' }, 'c', 'the object has been modified').status.message,
      'Operation cannot be fulfilled on configmaps "c": the object has been modified',
    );
    assert.equal(newForbidden({ group: '', resource: '' }, '', 'User "x" cannot get path "/"').status.message, 'forbidden: User "x" cannot get path "/"');
    assert.equal(newForbidden({ group: '', resource: 'pods' }, '', 'no').status.message, 'pods is forbidden: no');
    assert.equal(newServiceUnavailable('later', 5).status.details?.retryAfterSeconds, 5);
  });

  it('guards by reason first, then by code when no reason is set', () => {
    assert.ok(isNotFound(newNotFound({ group: '', resource: 'pods' }, 'x')));
    assert.ok(isNotFound(new StatusError(failureStatus(404, '', 'no reason'))));
    assert.ok(!isNotFound(new StatusError(failureStatus(404, 'Gone', 'other reason'))));
    assert.ok(!isAlreadyExists(new Error('pods "p" already exists')), 'never by message');
  });

  it('maps anything that is not a StatusError to a 500 marked as a bug', () => {
    const { status, isBug } = errorToAPIStatus(new TypeError('boom'));
    assert.equal(status.code, 500);
    assert.equal(status.reason, 'InternalError');
    assert.ok(isBug);
    assert.equal(errorToAPIStatus(newNotFound({ group: '', resource: 'pods' }, 'x')).isBug, false);
  });
});

describe('StatusDetails of resource errors', () => {
  it("leaves out empty fields as kube's omitempty tags do", () => {
    assert.deepEqual(newNotFound({ group: '', resource: 'pods' }, 'x').status.details, { name: 'x', kind: 'pods' });
    assert.deepEqual(newNotFound({ group: 'apps', resource: 'deployments' }, 'd').status.details, { name: 'd', group: 'apps', kind: 'deployments' });
    assert.deepEqual(newForbidden({ group: '', resource: 'pods' }, '', 'no').status.details, { kind: 'pods' });
    assert.deepEqual(newForbidden({ group: '', resource: '' }, '', 'no').status.details, {});
  });
});
