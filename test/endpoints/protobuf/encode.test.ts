import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageFromJson, ProtobufShapeError } from '../../../src/endpoints/protobuf/convert.js';
import { encodeJsonMessage } from '../../../src/endpoints/protobuf/encode.js';
import { encodeProtobuf, protobufKinds } from '../../../src/endpoints/protobuf/codec.js';
import { protobufTypeName } from '../../../src/endpoints/protobuf/kinds.js';
import { messageType } from '../../../src/endpoints/protobuf/loader.js';
import { SAMPLES, sampleList } from './samples.js';
import { CLUSTER_SAMPLES } from './samples-cluster.js';
import { WORKLOAD_SAMPLES } from './samples-workloads.js';

const ALL = { ...SAMPLES, ...WORKLOAD_SAMPLES, ...CLUSTER_SAMPLES };

// The one-walk encoder must write exactly the bytes of the two-step path (convert, then protobufjs's encode).
for (const { apiVersion, kind } of protobufKinds()) {
  test(`one-walk encoder matches the two-step path: ${apiVersion} ${kind}`, () => {
    const json = kind.endsWith('List') ? sampleList(apiVersion, kind, ALL) : ALL[`${apiVersion}/${kind}`];
    assert.ok(json);
    const type = messageType(protobufTypeName(apiVersion, kind)!);
    const expected = type.encode(messageFromJson(type, json)).finish();
    assert.ok(expected.length > 0);
    assert.deepEqual(Buffer.from(encodeJsonMessage(type, json)), Buffer.from(expected));
  });
}

test('a value that does not fit is still reported with the path of its field', () => {
  const pod = { ...ALL['v1/Pod']!, spec: { containers: [{ name: 'c', image: 7 }] } };
  assert.throws(() => encodeJsonMessage(messageType('k8s.io.api.core.v1.Pod'), pod), ProtobufShapeError);
  assert.throws(() => encodeProtobuf(pod), /cannot encode \.spec\.containers\[0\]\.image as protobuf: expected a string/);
});
