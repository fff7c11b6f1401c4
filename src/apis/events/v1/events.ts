/**
 * events.k8s.io/v1 events: the same objects as core v1 events, as kube serves
 * them. kube stores both under /events in the core v1 shape (the two
 * resources cohabit), so this definition shares core events' storage prefix
 * and converts between the shapes:
 *
 *   events.k8s.io/v1          core/v1
 *   regarding                 involvedObject
 *   note                      message
 *   reportingController       reportingComponent
 *   deprecatedSource          source
 *   deprecatedFirstTimestamp  firstTimestamp
 *   deprecatedLastTimestamp   lastTimestamp
 *   deprecatedCount           count
 *   (eventTime, series, action, related, reportingInstance, reason, type: same names)
 *
 * `eventsV1StorageConversion` is the pair the Store must apply: toStorage
 * before a write, fromStorage to every object it reads (get, list, watch,
 * and the old object of an update). Validation is kube's ValidateEventCreate
 * and ValidateEventUpdate for an events.k8s.io request (the strict rules on
 * top of the legacy ones), with kube's paths, which name the internal
 * (core) fields. The table is core events' printer; the field selectors are
 * kube's events.k8s.io/v1 field label conversions.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import { deepEqual } from '../../../registry/store.js';
import { FieldError, invalid, required } from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { FIELD_IMMUTABLE_ERROR_MSG } from '../../../apimachinery/validation/metadata-fields.js';
import { events as coreEvents, validateEvent, type Event as CoreEvent } from '../../core/v1/events.js';
import { isRecord, numberOf, stringOf, type JsonObject } from '../../core/v1/values.js';

export interface EventV1 extends KubeObject {
  eventTime?: string | null;
  series?: JsonObject | null;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  regarding?: JsonObject | null;
  related?: JsonObject | null;
  note?: string;
  type?: string;
  deprecatedSource?: JsonObject | null;
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  deprecatedCount?: number;
}

export const EVENTS_V1_API_VERSION = 'events.k8s.io/v1';

/** events.k8s.io/v1 name → core/v1 name, for the fields that differ. */
const RENAMES: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: KubeObject, pairs: [string, string][], apiVersion: string): KubeObject {
  const out: Record<string, unknown> = {};
  const map = new Map(pairs);
  for (const [k, v] of Object.entries(obj)) out[map.get(k) ?? k] = v;
  out.apiVersion = apiVersion;
  return out as KubeObject;
}

/** An events.k8s.io/v1 Event in the core v1 shape kube stores. */
export const eventToCore = (ev: EventV1): CoreEvent => rename(ev, RENAMES, 'v1') as CoreEvent;

/** A stored core v1 Event as events.k8s.io/v1 shows it. */
export const eventFromCore = (ev: CoreEvent): EventV1 =>
  rename(ev, RENAMES.map(([a, b]) => [b, a]), EVENTS_V1_API_VERSION) as EventV1;

/** True for an object in the core shape (as the Store's cache may hand it over). */
const isCoreShape = (obj: KubeObject): boolean => obj.apiVersion === 'v1' || 'involvedObject' in obj;

/** The core view of either shape. */
const asCore = (obj: KubeObject): CoreEvent => (isCoreShape(obj) ? (obj as CoreEvent) : eventToCore(obj as EventV1));

export const eventsV1StorageConversion = {
  toStorage: (obj: EventV1): KubeObject => eventToCore(obj),
  fromStorage: (objs: KubeObject[]): EventV1[] => objs.map((obj) => (isCoreShape(obj) ? eventFromCore(obj as CoreEvent) : (obj as EventV1))),
};

const REPORTING_COMPONENT = 'reportingComponent';

/** The legacy rules, with kube's field name for an events.k8s.io request (reportingController). */
function legacyErrors(ev: EventV1): FieldError[] {
  return validateEvent(eventToCore(ev)).map((e) =>
    e.field === REPORTING_COMPONENT ? new FieldError(e.type, 'reportingController', e.badValue, e.detail) : e,
  );
}

function seriesErrors(ev: EventV1): FieldError[] {
  if (!isRecord(ev.series)) return [];
  const errs: FieldError[] = [];
  if (numberOf(ev.series.count) < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!ev.series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** kube's ValidateEventCreate for events.k8s.io/v1. */
export function validateEventV1(ev: EventV1): FieldError[] {
  const errs = [...legacyErrors(ev), ...seriesErrors(ev)];
  if (!ev.eventTime) errs.push(required('eventTime'));
  const type = stringOf(ev.type);
  if (type !== 'Normal' && type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${type}`));
  if (ev.deprecatedFirstTimestamp) errs.push(invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (ev.deprecatedLastTimestamp) errs.push(invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (numberOf(ev.deprecatedCount) !== 0) errs.push(invalid('deprecatedCount', '', 'needs to be unset'));
  const source = isRecord(ev.deprecatedSource) ? ev.deprecatedSource : {};
  if (stringOf(source.component) || stringOf(source.host)) errs.push(invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

/** The fields kube's ValidateEventUpdate keeps immutable, by their internal (core) names. */
const IMMUTABLE = [
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];

/** kube's ValidateEventUpdate for events.k8s.io/v1 (metadata aside). */
export function validateEventV1Update(ev: EventV1, old: EventV1): FieldError[] {
  const errs = legacyErrors(ev);
  if (!deepEqual(ev.series ?? null, old.series ?? null)) errs.push(...seriesErrors(ev));
  const next = eventToCore(ev) as Record<string, unknown>;
  const prev = eventToCore(old) as Record<string, unknown>;
  for (const key of IMMUTABLE) {
    if (!deepEqual(next[key] ?? null, prev[key] ?? null)) {
      // kube names reportingController by its internal Go field name here.
      const path = key === REPORTING_COMPONENT ? 'reportingController' : key;
      errs.push(invalid(FieldPath.of(path), next[key] ?? null, FIELD_IMMUTABLE_ERROR_MSG));
    }
  }
  return errs;
}

export const eventV1Strategy: Strategy<EventV1> = {
  validate: validateEventV1,
  validateUpdate: validateEventV1Update,
};

/** Core events' printer, reading either shape. */
const eventV1Columns: TableColumn<EventV1>[] = coreEvents.tableColumns.map((c) => ({ ...c, cell: (ev, now) => c.cell(asCore(ev), now) }));

/** kube's events.k8s.io/v1 field label conversions (metadata.name/namespace are the Store's). */
export function eventV1FieldLabels(obj: EventV1): Record<string, string> {
  const ev = asCore(obj);
  const regarding = isRecord(ev.involvedObject) ? ev.involvedObject : {};
  return {
    'regarding.kind': stringOf(regarding.kind),
    'regarding.namespace': stringOf(regarding.namespace),
    'regarding.name': stringOf(regarding.name),
    'regarding.uid': stringOf(regarding.uid),
    'regarding.apiVersion': stringOf(regarding.apiVersion),
    'regarding.resourceVersion': stringOf(regarding.resourceVersion),
    'regarding.fieldPath': stringOf(regarding.fieldPath),
    reason: stringOf(ev.reason),
    reportingController: stringOf(ev.reportingComponent),
    type: stringOf(ev.type),
  };
}

export const eventsV1: ResourceDefinition<EventV1> = {
  conversion: eventsV1StorageConversion as unknown as NonNullable<ResourceDefinition['conversion']>,
  info: {
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: eventV1Strategy,
  generation: 'none',
  tableColumns: eventV1Columns,
  fieldLabels: eventV1FieldLabels,
  allowCreateOnUpdate: true,
  // The same objects as core events: kube's cohabiting resources share one key space.
  storagePrefix: coreEvents.storagePrefix ?? '/events',
};
