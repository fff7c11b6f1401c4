import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptedMediaTypes } from '../../../src/endpoints/request-body.js';
import { encodeObject, hasProtobufEncoder } from '../../../src/endpoints/responsewriters/object.js';
import { decodeProtobuf } from '../../../src/endpoints/protobuf/codec.js';
import { UNKNOWN_FORMAT_MESSAGE } from '../../../src/endpoints/protobuf/errors.js';
import { installProtobufCodec } from '../../../src/endpoints/protobuf/install.js';

test('installing the codec makes protobuf a request and response format of the endpoints', () => {
  installProtobufCodec();
  assert.ok(hasProtobufEncoder());
  // The endpoints' 415 text lists what they read; with protobuf installed it is kube's own.
  assert.equal(
    `the body of the request was in an unknown format - accepted media types include: ${acceptedMediaTypes().join(', ')}`,
    UNKNOWN_FORMAT_MESSAGE,
  );
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } };
  const { body, contentType } = encodeObject(obj, { format: 'protobuf' });
  assert.equal(contentType, 'application/vnd.kubernetes.protobuf');
  assert.deepEqual(decodeProtobuf(body).object, obj);
});
