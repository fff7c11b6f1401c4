import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import {
  addAuditAnnotations,
  auditRequestObject,
  auditRequestPatch,
  auditResponseObject,
  auditResponseStatus,
  processEventStage,
  setAuditContext,
  type AuditContext,
} from '../../src/audit/context.js';
import { microTime, sourceIPs, wallClockMicros } from '../../src/audit/event.js';
import { withoutManagedFields } from '../../src/audit/managed-fields.js';
import { encodeEvent } from '../../src/audit/format.js';
import { dropSecretData } from '../../src/audit/secrets.js';
import { RawJSON, type AuditEvent, type Level, type Stage } from '../../src/audit/types.js';
import { failureStatus } from '../../src/apimachinery/status.js';

const fakeReq = (headers: Record<string, string> = {}, remoteAddress = '::ffff:10.0.0.9'): IncomingMessage =>
  ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

const baseEvent = (level: Level, resource = 'configmaps'): AuditEvent => ({
  level,
  auditID: 'a1',
  stage: 'RequestReceived',
  requestURI: `/api/v1/namespaces/ns/${resource}`,
  verb: 'create',
  user: { username: 'alice' },
  objectRef: { resource, namespace: 'ns', apiVersion: 'v1' },
  requestReceivedTimestamp: '2026-01-01T00:00:00.000001Z',
  stageTimestamp: '2026-01-01T00:00:00.000001Z',
});

/** An audited request at `level` whose sent events are collected as parsed JSON lines. */
function audited(level: Level, resource?: string, omitStages: Stage[] = []) {
  const sent: Record<string, unknown>[] = [];
  const req = fakeReq();
  const ac: AuditContext = {
    event: baseEvent(level, resource),
    config: { level, omitStages, omitManagedFields: false },
    sink: { processEvent: (ev) => sent.push(JSON.parse(encodeEvent(ev)) as Record<string, unknown>), close: async () => undefined },
  };
  setAuditContext(req, ac);
  return { req, ac, sent };
}

const SECRET = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"k":"djE="}}', keep: 'me' } }, data: { k: 'djE=' }, stringData: { t: 'plain' }, type: 'Opaque' };

describe('audit event pieces', () => {
  it('writes times as metav1.MicroTime: UTC, six fractional digits', () => {
    assert.equal(microTime(Date.parse('2026-03-04T05:06:07.891Z') * 1000 + 234), '2026-03-04T05:06:07.891234Z');
    assert.equal(microTime(Date.parse('2026-03-04T05:06:07Z') * 1000 + 5), '2026-03-04T05:06:07.000005Z');
    assert.match(microTime(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // The wall clock, not a clock fixed at process start: it lies between two readings of Date.now().
    const before = Date.now();
    const micros = wallClockMicros();
    const after = Date.now();
    assert.ok(micros / 1000 >= before - 1 && micros / 1000 <= after + 1, `${micros / 1000} not within [${before}, ${after}]`);
  });

  it('lists source IPs as kube: X-Forwarded-For, X-Real-Ip, then the peer, without repeats', () => {
    assert.deepEqual(sourceIPs(fakeReq()), ['10.0.0.9']);
    assert.deepEqual(sourceIPs(fakeReq({ 'x-forwarded-for': '1.2.3.4, 10.0.0.9 ,junk', 'x-real-ip': '5.6.7.8' })), ['1.2.3.4', '10.0.0.9', '5.6.7.8']);
    assert.deepEqual(sourceIPs(fakeReq({}, '::1')), ['::1']);
  });

  it('encodes an event in kube\'s field order, with recorded bodies as they were', () => {
    const ev: AuditEvent = {
      ...baseEvent('RequestResponse'),
      stage: 'ResponseComplete',
      annotations: { 'authorization.k8s.io/decision': 'allow' },
      responseObject: new RawJSON('{"kind":"ConfigMap"}'),
      requestObject: new RawJSON('{"b":1,"a":2}'),
      responseStatus: { metadata: {}, code: 201 },
      objectRef: { subresource: 'status', name: 'n', resource: 'pods', apiVersion: 'v1' },
    };
    const line = encodeEvent(ev);
    assert.equal(
      line,
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ns/configmaps","verb":"create","user":{"username":"alice"},' +
        '"objectRef":{"resource":"pods","name":"n","apiVersion":"v1","subresource":"status"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"b":1,"a":2},"responseObject":{"kind":"ConfigMap"},' +
        '"requestReceivedTimestamp":"2026-01-01T00:00:00.000001Z","stageTimestamp":"2026-01-01T00:00:00.000001Z","annotations":{"authorization.k8s.io/decision":"allow"}}',
    );
  });

  it('drops a Secret\'s values, and the last-applied copy of them, from objects and patches', () => {
    assert.deepEqual(dropSecretData(SECRET), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { keep: 'me' } }, type: 'Opaque' });
    assert.deepEqual(
      dropSecretData([
        { op: 'add', path: '/data/k', value: 'djE=' },
        { op: 'replace', path: '/stringData', value: { t: 'x' } },
        { op: 'copy', from: '/data/k', path: '/metadata/labels/x' },
        { op: 'add', path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration', value: '{}' },
        { op: 'replace', path: '/metadata/annotations', value: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } },
        { op: 'replace', path: '/type', value: 'Opaque' },
        { op: 'replace', path: '', value: SECRET },
      ]),
      [
        { op: 'replace', path: '/metadata/annotations', value: { keep: 'me' } },
        { op: 'replace', path: '/type', value: 'Opaque' },
        { op: 'replace', path: '', value: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { keep: 'me' } }, type: 'Opaque' } },
      ],
    );
    assert.equal(dropSecretData('text'), 'text');
  });
});

describe('audit hooks by level', () => {
  it('at Metadata: names the object from the body but keeps no body', () => {
    const { req, ac } = audited('Metadata');
    auditRequestObject(req, { metadata: { name: 'cm', resourceVersion: '7' }, data: { a: 'b' } });
    auditResponseObject(req, { kind: 'ConfigMap' });
    assert.equal(ac.event.objectRef?.name, 'cm');
    assert.equal(ac.event.objectRef?.resourceVersion, '7');
    assert.equal(ac.event.requestObject, undefined);
    assert.equal(ac.event.responseObject, undefined);
  });

  it('at Request: keeps the request body as it was when decoded, and no response body', () => {
    const { req, ac } = audited('Request');
    const body: Record<string, unknown> = { metadata: { name: 'cm' }, data: { a: 'b' } };
    auditRequestObject(req, body);
    body.data = { changed: 'later' };
    auditResponseObject(req, { kind: 'ConfigMap' });
    assert.equal(ac.event.requestObject?.json, '{"metadata":{"name":"cm"},"data":{"a":"b"}}');
    assert.equal(ac.event.responseObject, undefined);
  });

  it('at Request: a Secret\'s body and patch lose their values', () => {
    const { req, ac } = audited('Request', 'secrets');
    auditRequestObject(req, SECRET);
    assert.ok(!ac.event.requestObject!.json.includes('djE='));
    assert.ok(!ac.event.requestObject!.json.includes('plain'));
    auditRequestPatch(req, { data: { k: 'djI=' }, metadata: { labels: { a: 'b' } } });
    assert.equal(ac.event.requestObject?.json, '{"metadata":{"labels":{"a":"b"}}}');
  });

  it('at RequestResponse: keeps both bodies, a Secret\'s in full, and the encoded JSON as sent', () => {
    const { req, ac } = audited('RequestResponse', 'secrets');
    auditRequestObject(req, SECRET);
    assert.ok(ac.event.requestObject!.json.includes('djE='));
    auditResponseObject(req, { kind: 'Secret' }, Buffer.from('{"kind":"Secret","sent":true}'));
    assert.equal(ac.event.responseObject?.json, '{"kind":"Secret","sent":true}');
  });

  it('takes responseStatus from a Status answer at every level, and keeps it as the body at RequestResponse only', () => {
    for (const level of ['Metadata', 'RequestResponse'] as const) {
      const { req, ac } = audited(level);
      auditResponseStatus(req, failureStatus(409, 'AlreadyExists', 'configmaps "cm" already exists', { name: 'cm', kind: 'configmaps' }));
      assert.deepEqual(ac.event.responseStatus, {
        metadata: {},
        status: 'Failure',
        message: 'configmaps "cm" already exists',
        reason: 'AlreadyExists',
        details: { name: 'cm', kind: 'configmaps' },
        code: 409,
      });
      assert.equal(ac.event.responseObject !== undefined, level === 'RequestResponse');
    }
  });

  it('drops managedFields from the objects of a Table\'s rows', () => {
    const table = { kind: 'Table', rows: [{ cells: ['a'], object: { metadata: { name: 'a', managedFields: [{ manager: 'x' }] } } }, { cells: ['b'], object: { metadata: { name: 'b' } } }] };
    assert.deepEqual(withoutManagedFields(table), { kind: 'Table', rows: [{ cells: ['a'], object: { metadata: { name: 'a' } } }, { cells: ['b'], object: { metadata: { name: 'b' } } }] });
    assert.equal(withoutManagedFields({ kind: 'Table', rows: [] }).kind, 'Table');
  });

  it('drops managedFields from bodies when the rule says omitManagedFields', () => {
    const { req, ac } = audited('RequestResponse');
    ac.config = { ...ac.config, omitManagedFields: true };
    auditRequestObject(req, { metadata: { name: 'cm', managedFields: [{ manager: 'kubectl' }] } });
    assert.equal(ac.event.requestObject?.json, '{"metadata":{"name":"cm"}}');
    const list = { kind: 'ConfigMapList', items: [{ metadata: { name: 'a', managedFields: [] } }, { metadata: { name: 'b' } }] };
    auditResponseObject(req, list, Buffer.from(JSON.stringify(list)));
    assert.equal(ac.event.responseObject?.json, '{"kind":"ConfigMapList","items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}');
    const { req: req2, ac: ac2 } = audited('RequestResponse');
    auditRequestObject(req2, { metadata: { name: 'cm', managedFields: [] } });
    assert.equal(ac2.event.requestObject?.json, '{"metadata":{"name":"cm","managedFields":[]}}', 'kept unless asked');
  });

  it('keeps the first value of an annotation', () => {
    const { req, ac } = audited('Metadata');
    addAuditAnnotations(req, { k: 'first' });
    addAuditAnnotations(req, { k: 'second', other: 'x' });
    assert.deepEqual(ac.event.annotations, { k: 'first', other: 'x' });
  });

  it('sends each stage with its own timestamp, except omitted stages', () => {
    const { ac, sent } = audited('Metadata', 'configmaps', ['ResponseStarted']);
    processEventStage(ac, 'RequestReceived');
    processEventStage(ac, 'ResponseStarted');
    processEventStage(ac, 'ResponseComplete');
    assert.deepEqual(sent.map((e) => e.stage), ['RequestReceived', 'ResponseComplete']);
    assert.equal(sent[0]!.stageTimestamp, sent[0]!.requestReceivedTimestamp);
    assert.notEqual(sent[1]!.stageTimestamp, sent[1]!.requestReceivedTimestamp);
  });

  it('costs nothing and changes nothing for a request that is not audited', () => {
    const req = fakeReq();
    auditRequestObject(req, SECRET);
    auditRequestPatch(req, {});
    auditResponseObject(req, {});
    auditResponseStatus(req, failureStatus(500, 'InternalError', 'x'));
    addAuditAnnotations(req, { a: 'b' });
  });
});
