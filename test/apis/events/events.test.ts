import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventFromCore, eventsV1, eventsV1Resources, eventsV1StorageConversion, eventToCore, type EventV1 } from '../../../src/apis/events/v1/index.js';
import { events as coreEvents, type Event } from '../../../src/apis/core/v1/events.js';
import { ago, cells, create, NOW, update } from '../core/v1/helpers.js';

const meta = { name: 'web.1', namespace: 'default' };

function ev(): EventV1 {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: meta,
    eventTime: '2025-01-01T11:59:00.000000Z',
    reportingController: 'example.com/controller',
    reportingInstance: 'controller-1',
    action: 'Scale',
    reason: 'Scaled',
    regarding: { kind: 'Deployment', name: 'web', namespace: 'default', apiVersion: 'apps/v1' },
    note: 'scaled to 3',
    type: 'Normal',
  };
}

describe('events.k8s.io/v1 events', () => {
  it('the same storage as core events, kube\'s names', () => {
    assert.equal(eventsV1Resources.length, 1);
    assert.equal(eventsV1.storagePrefix, coreEvents.storagePrefix);
    assert.equal(eventsV1.storagePrefix, '/events');
    assert.deepEqual([eventsV1.info.group, eventsV1.info.resource, eventsV1.info.kind, eventsV1.info.shortNames], ['events.k8s.io', 'events', 'Event', ['ev']]);
  });

  it('converts losslessly to the stored core shape and back', () => {
    const core = eventToCore({ ...ev(), deprecatedCount: 2, deprecatedSource: { component: 'x' } });
    assert.deepEqual(core, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta,
      eventTime: '2025-01-01T11:59:00.000000Z',
      reportingComponent: 'example.com/controller',
      reportingInstance: 'controller-1',
      action: 'Scale',
      reason: 'Scaled',
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'default', apiVersion: 'apps/v1' },
      message: 'scaled to 3',
      type: 'Normal',
      count: 2,
      source: { component: 'x' },
    });
    assert.deepEqual(eventFromCore(core), { ...ev(), deprecatedCount: 2, deprecatedSource: { component: 'x' } });
    // A core event written through /api/v1 reads as events.k8s.io/v1.
    const legacy: Event = { apiVersion: 'v1', kind: 'Event', metadata: meta, involvedObject: { kind: 'Pod', name: 'p' }, message: 'hi', count: 3 };
    assert.deepEqual(eventsV1StorageConversion.fromStorage([legacy])[0], {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: meta,
      regarding: { kind: 'Pod', name: 'p' },
      note: 'hi',
      deprecatedCount: 3,
    });
    assert.equal(eventsV1StorageConversion.toStorage(ev()).apiVersion, 'v1');
  });

  it('a well-formed event is valid; the stored core shape passes core validation too', () => {
    assert.deepEqual(create(eventsV1, ev()).errs, []);
    assert.deepEqual(create(coreEvents, eventToCore(ev())).errs, []);
  });

  it("strict events.k8s.io validation with kube's paths", () => {
    const bad: EventV1 = {
      metadata: meta,
      regarding: { kind: 'Pod', name: 'p', namespace: 'default' },
      type: 'Bad',
      deprecatedCount: 2,
      deprecatedFirstTimestamp: '2025-01-01T00:00:00Z',
      deprecatedSource: { component: 'kubelet' },
      series: { count: 1 },
    };
    assert.deepEqual(create(eventsV1, bad).errs, [
      'series.count: Invalid value: "": should be at least 2',
      'series.lastObservedTime: Required value',
      'eventTime: Required value',
      'type: Invalid value: "": has invalid value: Bad',
      'deprecatedFirstTimestamp: Invalid value: "": needs to be unset',
      'deprecatedCount: Invalid value: "": needs to be unset',
      'deprecatedSource: Invalid value: "": needs to be unset',
    ]);
    const noController = ev();
    delete noController.reportingController;
    delete noController.action;
    assert.deepEqual(create(eventsV1, noController).errs, [
      'reportingController: Required value',
      'reportingController: Invalid value: "": name part must be non-empty',
      `reportingController: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      'action: Required value',
    ]);
  });

  it('updates keep the event immutable but for series', () => {
    const old = create(eventsV1, ev()).obj;
    const next = { ...structuredClone(old), note: 'changed', series: { count: 2, lastObservedTime: '2025-01-01T12:00:00.000000Z' } };
    assert.deepEqual(update(eventsV1, next, old).errs, ['message: Invalid value: "changed": field is immutable']);
  });

  it("table and field selectors work on either shape, as core events' printer and kube's label conversions", () => {
    const e = { ...ev(), metadata: { ...meta, creationTimestamp: ago(60_000) } };
    const fromV1 = cells(eventsV1, e, NOW);
    assert.deepEqual(fromV1, cells(coreEvents, eventToCore(e), NOW));
    assert.deepEqual(cells(eventsV1, eventToCore(e) as EventV1, NOW), fromV1);
    assert.deepEqual(fromV1.slice(0, 4), ['60s', 'Normal', 'Scaled', 'deployment/web']);
    const labels = eventsV1.fieldLabels!(e);
    assert.equal(labels['regarding.kind'], 'Deployment');
    assert.equal(labels.reportingController, 'example.com/controller');
    assert.deepEqual(eventsV1.fieldLabels!(eventToCore(e) as EventV1), labels);
    assert.deepEqual(Object.keys(labels).sort(), [
      'reason',
      'regarding.apiVersion',
      'regarding.fieldPath',
      'regarding.kind',
      'regarding.name',
      'regarding.namespace',
      'regarding.resourceVersion',
      'regarding.uid',
      'reportingController',
      'type',
    ]);
  });
});
