import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMaps, type ConfigMap } from '../../../../src/apis/core/v1/configmaps.js';
import { secrets, type Secret } from '../../../../src/apis/core/v1/secrets.js';
import { decodeBase64Length } from '../../../../src/apis/core/v1/base64.js';
import { isBadRequest, type StatusError } from '../../../../src/apimachinery/status-error.js';
import { ago, cells, create, NOW, update } from './helpers.js';

const meta = { name: 'c', namespace: 'default' };
const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('configmap: valid data passes; bad keys, overlap and size fail with kube paths and messages', () => {
  assert.deepEqual(create(configMaps, { metadata: meta, data: { 'a.b': 'x' }, binaryData: { bin: b64('y') } }).errs, []);
  const cases: [ConfigMap, string][] = [
    [
      { metadata: meta, data: { 'a b': 'x' } },
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ],
    [{ metadata: meta, data: { '..x': 'x' } }, `data[..x]: Invalid value: "..x": must not start with '..'`],
    [{ metadata: meta, data: { k: 'x' }, binaryData: { k: b64('y') } }, 'data[k]: Invalid value: "k": duplicate of key present in binaryData'],
    [{ metadata: meta, data: { big: 'x'.repeat(1024 * 1024 + 1) } }, ': Too long: may not be more than 1048576 bytes'],
  ];
  for (const [cm, want] of cases) assert.deepEqual(create(configMaps, cm).errs, [want]);
});

test('configmap: immutable forbids data changes and un-setting immutable', () => {
  const old: ConfigMap = { metadata: meta, data: { a: '1' }, immutable: true };
  assert.deepEqual(update(configMaps, { metadata: meta, data: { a: '1' }, immutable: true }, old).errs, []);
  assert.deepEqual(update(configMaps, { metadata: meta, data: { a: '2' }, immutable: true }, old).errs, [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(update(configMaps, { metadata: meta, data: { a: '1' } }, old).errs, [
    'immutable: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('configmap: undecodable binaryData or non-string data is a 400 before validation', () => {
  assert.throws(
    () => create(configMaps, { metadata: meta, binaryData: { k: 'abc' } }),
    (err: StatusError) => isBadRequest(err) && err.message === 'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 0',
  );
  assert.throws(
    () => create(configMaps, { metadata: meta, data: { k: 5 } } as unknown as ConfigMap),
    (err: StatusError) => isBadRequest(err) && /cannot unmarshal number into Go struct field ConfigMap.data of type string/.test(err.message),
  );
});

test('configmap table: DATA counts data and binaryData, then AGE', () => {
  const cm: ConfigMap = { metadata: { ...meta, creationTimestamp: ago(5 * 60_000) }, data: { a: '1', b: '2' }, binaryData: { c: b64('3') } };
  assert.deepEqual(cells(configMaps, cm, NOW), [3, '5m']);
  assert.deepEqual(configMaps.tableColumns.map((c) => c.name), ['Data', 'Age']);
  assert.deepEqual(configMaps.info.shortNames, ['cm']);
});

test('base64 is checked as Go decodes it', () => {
  assert.deepEqual(decodeBase64Length('aGVsbG8='), { ok: true, byteLength: 5 });
  assert.deepEqual(decodeBase64Length('aGVs\nbG8='), { ok: true, byteLength: 5 });
  assert.deepEqual(decodeBase64Length(''), { ok: true, byteLength: 0 });
  assert.deepEqual(decodeBase64Length('aGVsbG8'), { ok: false, error: 'illegal base64 data at input byte 4' });
  assert.deepEqual(decodeBase64Length('a$=='), { ok: false, error: 'illegal base64 data at input byte 1' });
  assert.deepEqual(decodeBase64Length('aGVsbG8=x'), { ok: false, error: 'illegal base64 data at input byte 8' });
  assert.deepEqual(decodeBase64Length('aG=='), { ok: true, byteLength: 1 });
  assert.deepEqual(decodeBase64Length('a==='), { ok: false, error: 'illegal base64 data at input byte 1' });
});

const smeta = { name: 's', namespace: 'default' };

test('secret: defaults type Opaque and folds stringData into data', () => {
  const { obj, errs } = create<Secret>(secrets, { metadata: smeta, data: { a: b64('1') }, stringData: { a: 'two', b: 'three' } });
  assert.deepEqual(errs, []);
  assert.equal(obj.type, 'Opaque');
  assert.equal(obj.stringData, undefined);
  assert.deepEqual(obj.data, { a: b64('two'), b: b64('three') });
});

test('secret: bad base64 in data is kube 400', () => {
  assert.throws(
    () => create(secrets, { metadata: smeta, data: { k: 'not base64!' } }),
    (err: StatusError) =>
      isBadRequest(err) && err.message === 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
  );
});

test('secret: type-specific requirements', () => {
  const cases: [Secret, string[]][] = [
    [{ metadata: smeta, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }, ['data[tls.key]: Required value']],
    [{ metadata: smeta, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c'), 'tls.key': b64('k') } }, []],
    [{ metadata: smeta, type: 'kubernetes.io/dockerconfigjson', data: {} }, ['data[.dockerconfigjson]: Required value']],
    [
      { metadata: smeta, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('nope') } },
      [`data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'n' looking for beginning of value`],
    ],
    [{ metadata: smeta, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } }, []],
    [{ metadata: smeta, type: 'kubernetes.io/basic-auth', data: {} }, ['data[username]: Required value', 'data[password]: Required value']],
    [{ metadata: smeta, type: 'kubernetes.io/basic-auth', data: { password: '' } }, []],
    [{ metadata: smeta, type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }, ['data[ssh-privatekey]: Required value']],
    [
      { metadata: smeta, type: 'kubernetes.io/service-account-token' },
      ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    ],
    [{ metadata: { ...smeta, annotations: { 'kubernetes.io/service-account.name': 'default' } }, type: 'kubernetes.io/service-account-token' }, []],
    [{ metadata: smeta, data: { 'bad key': b64('x') } }, [
      `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ]],
    [{ metadata: smeta, data: { big: Buffer.alloc(1024 * 1024 + 1).toString('base64') } }, ['data: Too long: may not be more than 1048576 bytes']],
  ];
  for (const [s, want] of cases) assert.deepEqual(create(secrets, s).errs, want, JSON.stringify(s.type));
});

test('secret: type is immutable and immutable secrets keep their data', () => {
  const old: Secret = { metadata: smeta, type: 'Opaque', data: { a: b64('1') } };
  assert.deepEqual(update(secrets, { metadata: smeta, type: 'foo/bar', data: { a: b64('1') } }, old).errs, [
    'type: Invalid value: "foo/bar": field is immutable',
  ]);
  const frozen: Secret = { ...old, immutable: true };
  assert.deepEqual(update(secrets, { ...frozen, data: { a: b64('2') } }, frozen).errs, [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('secret table and field labels', () => {
  const s: Secret = { metadata: { ...smeta, creationTimestamp: ago(3 * 3600_000) }, type: 'kubernetes.io/tls', data: { a: '', b: '' } };
  assert.deepEqual(cells(secrets, s, NOW), ['kubernetes.io/tls', 2, '3h']);
  assert.deepEqual(secrets.fieldLabels?.(s), { type: 'kubernetes.io/tls' });
  assert.equal(secrets.info.shortNames, undefined);
});
