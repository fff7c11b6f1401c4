import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../src/apimachinery/status-error.js';
import { interpretStorageError } from '../../src/registry/interpret-errors.js';
import { CorruptObjError, KeyNotFoundError, UnavailableError } from '../../src/storage/errors.js';

const gr = { group: '', resource: 'configmaps' };
const statusOf = (err: unknown) => {
  assert.ok(err instanceof StatusError, String(err));
  return err.status;
};

test('an unavailable backend is 503 ServiceUnavailable with a retry hint, never 404', () => {
  const s = statusOf(interpretStorageError(new UnavailableError('etcd is unavailable: deadline exceeded', '/configmaps/default/a'), gr, 'a'));
  assert.equal(s.code, 503);
  assert.equal(s.reason, 'ServiceUnavailable');
  assert.equal(s.details?.retryAfterSeconds, 1);
});

test('a value too large to decode is 500 InternalError naming the key and size', () => {
  const s = statusOf(interpretStorageError(new CorruptObjError('/configmaps/default/huge', 20_000_000, 16 * 1024 * 1024), gr, 'huge'));
  assert.equal(s.code, 500);
  assert.equal(s.reason, 'InternalError');
  assert.match(s.message ?? '', /\/configmaps\/default\/huge is too large to decode \(20000000 bytes/);
});

test('only KeyNotFound is 404', () => {
  assert.equal(statusOf(interpretStorageError(new KeyNotFoundError('/configmaps/default/a'), gr, 'a')).code, 404);
});
