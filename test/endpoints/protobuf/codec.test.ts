import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import {
  PROTOBUF_MAGIC,
  ProtobufShapeError,
  UNKNOWN_FORMAT_MESSAGE,
  decodeProtobuf,
  decodeWatchEventProtobuf,
  encodeProtobuf,
  encodeProtobufList,
  encodeStatusProtobuf,
  encodeWatchEventProtobuf,
  isProtobufError,
  readWatchFrames,
  supportsProtobuf,
} from '../../../src/endpoints/protobuf/codec.js';
import { messageType, protoDir } from '../../../src/endpoints/protobuf/loader.js';
import { inlineFields, keepZeroFields } from '../../../src/endpoints/protobuf/json-shape.js';
import { isStatusError } from '../../../src/apimachinery/status-error.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string): string => Buffer.from(s).toString('hex');

/** Runs fn, which must throw a ProtobufError with this code; returns it. */
function protobufErrorOf(fn: () => unknown, code: number) {
  try {
    fn();
  } catch (err) {
    assert.ok(isProtobufError(err), `expected a ProtobufError, got ${String(err)}`);
    assert.ok(isStatusError(err));
    assert.equal(err.code, code);
    return err;
  }
  assert.fail('no error thrown');
}

test('the schema is found at the repository root, from src and from dist alike', () => {
  assert.ok(existsSync(join(protoDir(), 'k8s.io/api/core/v1/objects.proto')));
  assert.equal(messageType('k8s.io.api.core.v1.ServiceSpec').fields.clusterIP?.id, 3);
});

test('an object is k8s\\0 + runtime.Unknown{typeMeta, raw, contentEncoding, contentType}, byte for byte', () => {
  const bytes = encodeProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
  const expected = hex(
    '6b387300' + // k8s\0
      '0a0f' + '0a02' + ascii('v1') + '1209' + ascii('ConfigMap') + // typeMeta
      '120d' + '0a03 0a0178' + '1206 0a0161 120162' + // raw: metadata{name}, data entry {a: b}
      '1a00 2200', // contentEncoding, contentType: empty, as kube writes them
  );
  assert.deepEqual(bytes, expected);
  assert.deepEqual(bytes.subarray(0, 4), PROTOBUF_MAGIC);
});

test('a watch frame is a big-endian length and a bare WatchEvent whose object holds the enveloped object', () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', resourceVersion: '7' } };
  const frame = encodeWatchEventProtobuf({ type: 'MODIFIED', object: obj });
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  const body = frame.subarray(4);
  assert.notDeepEqual(body.subarray(0, 4), PROTOBUF_MAGIC, 'the event itself has no envelope');
  const ev = messageType('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent').decode(body) as unknown as {
    type: string;
    object: { raw: Uint8Array };
  };
  assert.equal(ev.type, 'MODIFIED');
  assert.deepEqual(Buffer.from(ev.object.raw), encodeProtobuf(obj));
  assert.deepEqual(decodeWatchEventProtobuf(body), { type: 'MODIFIED', object: obj });
});

test('watch frames split from a stream, keeping a partial frame for later', () => {
  const a = encodeWatchEventProtobuf({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } } });
  const b = encodeWatchEventProtobuf({
    type: 'ERROR',
    object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 },
  });
  const stream = Buffer.concat([a, b]);
  const first = readWatchFrames(stream.subarray(0, a.length + 3));
  assert.equal(first.frames.length, 1);
  assert.equal(first.rest.length, 3);
  const all = readWatchFrames(stream);
  assert.equal(all.rest.length, 0);
  const events = all.frames.map(decodeWatchEventProtobuf);
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'ERROR']);
  assert.equal(events[1]!.object.code, 410);
  assert.equal(events[1]!.object.reason, 'Expired');
});

test('a Status encodes as v1 Status whatever it carried', () => {
  const status = { metadata: {}, status: 'Failure', message: 'configmaps "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'configmaps' }, code: 404 };
  const decoded = decodeProtobuf(encodeStatusProtobuf(status));
  assert.equal(decoded.apiVersion, 'v1');
  assert.equal(decoded.kind, 'Status');
  assert.deepEqual(decoded.object, { apiVersion: 'v1', kind: 'Status', ...status });
});

test('lists: items carry no apiVersion or kind; a non-list is refused', () => {
  const list = { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'a' }, type: 'Opaque' }] };
  assert.deepEqual(decodeProtobuf(encodeProtobufList(list)).object, list);
  protobufErrorOf(() => encodeProtobufList({ apiVersion: 'v1', kind: 'Secret' }), 406);
});

test('kinds without a protobuf form: 415 with kube\'s text when decoding, 406 when encoding', () => {
  assert.equal(supportsProtobuf('v1', 'ConfigMap'), true);
  assert.equal(supportsProtobuf('stable.example.com/v1', 'CronTab'), false);
  assert.equal(supportsProtobuf('meta.k8s.io/v1', 'Table'), false);
  const envelope = messageType('k8s.io.apimachinery.pkg.runtime.Unknown')
    .encode({ typeMeta: { apiVersion: 'stable.example.com/v1', kind: 'CronTab' }, raw: Buffer.from([0x0a, 0x00]) })
    .finish();
  const err = protobufErrorOf(() => decodeProtobuf(Buffer.concat([PROTOBUF_MAGIC, envelope])), 415);
  assert.equal(err.status.reason, 'UnsupportedMediaType');
  assert.equal(err.message, UNKNOWN_FORMAT_MESSAGE);
  assert.equal(
    UNKNOWN_FORMAT_MESSAGE,
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  );
  protobufErrorOf(() => encodeProtobuf({ apiVersion: 'stable.example.com/v1', kind: 'CronTab' }), 406);
});

test('bodies that are not protobuf objects are 400 BadRequest', () => {
  const noPrefix = protobufErrorOf(() => decodeProtobuf(Buffer.from('{"kind":"ConfigMap"}')), 400);
  assert.match(noPrefix.message, /expected prefix \[107 56 115 0\]/);
  const good = encodeProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
  protobufErrorOf(() => decodeProtobuf(good.subarray(0, good.length - 8)), 400);
  const noKind = messageType('k8s.io.apimachinery.pkg.runtime.Unknown').encode({ typeMeta: { apiVersion: 'v1' } }).finish();
  protobufErrorOf(() => decodeProtobuf(Buffer.concat([PROTOBUF_MAGIC, noKind])), 400);
});

/** Encodes a message of the given type from protobufjs's own object form, as a Go client would write it. */
function goStyleBody(apiVersion: string, kind: string, typeName: string, message: Record<string, unknown>): Buffer {
  const type = messageType(typeName);
  const raw = type.encode(type.fromObject(message)).finish();
  const unknown = messageType('k8s.io.apimachinery.pkg.runtime.Unknown').encode({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }).finish();
  return Buffer.concat([PROTOBUF_MAGIC, unknown]);
}

test('zero values: omitted unless kube\'s JSON keeps them (pointers, non-omitempty fields); the zero time is omitted', () => {
  const body = goStyleBody('apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment', {
    // Go writes every non-pointer field, zero or not, and the zero Time as an empty message.
    metadata: { name: 'web', generateName: '', namespace: '', generation: 0, creationTimestamp: {} },
    spec: {
      replicas: 0, // *int32: kept
      minReadySeconds: 0, // int32 omitempty: dropped
      paused: false, // bool omitempty: dropped
      template: { metadata: {}, spec: { hostNetwork: false, containers: [{ name: 'c', image: '', stdin: false }] } },
      strategy: { type: '', rollingUpdate: { maxUnavailable: { type: 0, intVal: 0, strVal: '' }, maxSurge: { type: 1, intVal: 0, strVal: '25%' } } },
    },
    status: { replicas: 0, collisionCount: 0, conditions: [{ type: 'Available', status: 'True', reason: '', lastUpdateTime: {}, lastTransitionTime: { seconds: 0, nanos: 0 } }] },
  });
  assert.deepEqual(decodeProtobuf(body).object, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 0,
      template: { metadata: {}, spec: { containers: [{ name: 'c' }] } },
      strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
    },
    status: { collisionCount: 0, conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '1970-01-01T00:00:00Z' }] },
  });
});

test('times: Time is whole seconds in UTC, MicroTime six fractional digits; offsets and fractions are parsed', () => {
  const lease = (renewTime: string, creationTimestamp: string) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'l', creationTimestamp },
    spec: { renewTime },
  });
  const decoded = decodeProtobuf(encodeProtobuf(lease('2026-01-02T05:04:05.1234567+02:00', '2026-01-02T03:04:05.999Z'))).object;
  assert.deepEqual(decoded, lease('2026-01-02T03:04:05.123456Z', '2026-01-02T03:04:05Z'));
  const raw = messageType('k8s.io.api.coordination.v1.Lease').decode(
    decodeProtobufRaw(encodeProtobuf(lease('2026-01-02T03:04:05.000001Z', '1969-12-31T23:59:59Z'))),
  ) as unknown as { metadata: { creationTimestamp: { seconds: protobuf.Long | number } }; spec: { renewTime: { nanos: number } } };
  assert.equal(Number(raw.metadata.creationTimestamp.seconds), -1);
  assert.equal(raw.spec.renewTime.nanos, 1000);
});

/** The inner message bytes of an enveloped object. */
function decodeProtobufRaw(body: Buffer): Uint8Array {
  const unk = messageType('k8s.io.apimachinery.pkg.runtime.Unknown').decode(body.subarray(4)) as unknown as { raw: Uint8Array };
  return unk.raw;
}

test('special types: IntOrString, Quantity, bytes, FieldsV1 and ExtraValue keep their JSON forms', () => {
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:ports': { 'k:{"port":80}': {} } } } }] },
    spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] },
  };
  assert.deepEqual(decodeProtobuf(encodeProtobuf(svc)).object, svc);
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString('base64') } };
  const raw = messageType('k8s.io.api.core.v1.Secret').decode(decodeProtobufRaw(encodeProtobuf(secret))) as unknown as { data: Record<string, Uint8Array> };
  assert.deepEqual(Buffer.from(raw.data.k!), Buffer.from([0xde, 0xad, 0xbe, 0xef]), 'bytes travel raw, not as base64 text');
  const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { cpu: '1500m', memory: '1Gi' } } };
  assert.deepEqual(decodeProtobuf(encodeProtobuf(quota)).object, quota);
});

test('objects that do not fit the schema are refused with the field path; unknown fields are dropped', () => {
  assert.throws(
    () => encodeProtobuf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: '3' } }),
    (err: unknown) => err instanceof ProtobufShapeError && /\.spec\.replicas/.test(err.message),
  );
  assert.throws(
    () => encodeProtobuf({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', creationTimestamp: 'yesterday' } }),
    (err: unknown) => err instanceof ProtobufShapeError && /\.metadata\.creationTimestamp/.test(err.message),
  );
  const decoded = decodeProtobuf(encodeProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, bogus: 1 })).object;
  assert.deepEqual(decoded, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
});

test('the JSON-shape tables name real fields: scalars that keep zero, messages that are inline', () => {
  for (const [type, fields] of keepZeroFields()) {
    const t = messageType(type);
    for (const f of fields) {
      const field = t.fields[f];
      assert.ok(field, `${type}.${f} exists`);
      assert.ok(!field.repeated && !field.map && !field.resolvedType, `${type}.${f} is a singular scalar`);
    }
  }
  for (const [type, fields] of inlineFields()) {
    for (const f of fields) assert.ok(messageType(type).fields[f]?.resolvedType instanceof protobuf.Type, `${type}.${f} is a message`);
  }
});
