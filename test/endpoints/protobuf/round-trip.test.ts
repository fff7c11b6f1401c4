import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeProtobuf,
  encodeProtobuf,
  encodeProtobufList,
  protobufKinds,
} from '../../../src/endpoints/protobuf/codec.js';
import { SAMPLES, sampleList } from './samples.js';
import { CLUSTER_SAMPLES } from './samples-cluster.js';
import { WORKLOAD_SAMPLES } from './samples-workloads.js';

const ALL = { ...SAMPLES, ...WORKLOAD_SAMPLES, ...CLUSTER_SAMPLES };

// Every kind with a protobuf form: JSON -> protobuf -> JSON gives the same JSON.
for (const { apiVersion, kind } of protobufKinds()) {
  test(`round trip: ${apiVersion} ${kind}`, () => {
    const json = kind.endsWith('List') ? sampleList(apiVersion, kind, ALL) : ALL[`${apiVersion}/${kind}`];
    assert.ok(json, `a sample for ${apiVersion}/${kind} is missing`);
    const bytes = kind.endsWith('List') ? encodeProtobufList(json) : encodeProtobuf(json);
    const decoded = decodeProtobuf(bytes);
    assert.equal(decoded.apiVersion, apiVersion);
    assert.equal(decoded.kind, kind);
    assert.deepEqual(decoded.object, json);
    // And the decoded JSON encodes to the same bytes (field order is the schema's, maps keep insertion order).
    assert.deepEqual(encodeProtobuf(decoded.object), bytes);
  });
}

test('every sample is a kind with a protobuf form', () => {
  const served = new Set(protobufKinds().map(({ apiVersion, kind }) => `${apiVersion}/${kind}`));
  for (const key of Object.keys(ALL)) assert.ok(served.has(key), key);
});

test('meta kinds are accepted under every served group-version', () => {
  const status = { ...SAMPLES['v1/Status']!, apiVersion: 'apps/v1' };
  assert.deepEqual(decodeProtobuf(encodeProtobuf(status)).object, status);
  const opts = { ...SAMPLES['v1/DeleteOptions']!, apiVersion: 'rbac.authorization.k8s.io/v1' };
  assert.deepEqual(decodeProtobuf(encodeProtobuf(opts)).object, opts);
});
