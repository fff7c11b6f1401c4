/**
 * core/v1 events: kube's pkg/registry/core/event strategy, the legacy (v1)
 * event validation, the event printer and its selectable fields, as one
 * ResourceDefinition. kube's table for events has no leading Name column:
 * Name comes last, at priority 1 (see the format "name" column below).
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { byteLength } from '../../../apimachinery/validation/go-format.js';
import { stringColumn, translateTimestampSince } from './table-helpers.js';
import { isRecord, numberOf, stringOf, type JsonObject } from './values.js';

export interface Event extends KubeObject {
  involvedObject?: JsonObject | null;
  reason?: string;
  message?: string;
  source?: JsonObject | null;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  type?: string;
  eventTime?: string | null;
  series?: JsonObject | null;
  action?: string;
  related?: JsonObject | null;
  reportingComponent?: string;
  reportingInstance?: string;
}

const LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

const involved = (ev: Event): JsonObject => (isRecord(ev.involvedObject) ? ev.involvedObject : {});
const sourceOf = (ev: Event): JsonObject => (isRecord(ev.source) ? ev.source : {});

/** kube's legacyValidateEvent, which is all a core/v1 request gets. */
export function validateEvent(ev: Event): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const namespace = ev.metadata?.namespace ?? '';
  const involvedNamespace = stringOf(involved(ev).namespace);
  const mismatch = (): field.FieldError =>
    field.invalid(FieldPath.of('involvedObject', 'namespace'), involvedNamespace, 'does not match event.namespace');
  if (!ev.eventTime) {
    // Old-style events: the namespaces agree (cluster-scoped objects' events may live in "default").
    if (!involvedNamespace) {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch());
    } else if (namespace !== involvedNamespace) errs.push(mismatch());
  } else {
    if (!involvedNamespace && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
    const controller = stringOf(ev.reportingComponent);
    const controllerPath = FieldPath.of('reportingComponent');
    if (!controller) errs.push(field.required(controllerPath));
    errs.push(...isQualifiedName(controller).map((msg) => field.invalid(controllerPath, controller, msg)));
    const limited = (name: string, value: string, limit: number, required: boolean): void => {
      if (required && !value) errs.push(field.required(FieldPath.of(name)));
      if (byteLength(value) > limit) errs.push(field.invalid(FieldPath.of(name), '', `can have at most ${limit} characters`));
    };
    limited('reportingInstance', stringOf(ev.reportingInstance), LENGTH_LIMIT, true);
    limited('action', stringOf(ev.action), LENGTH_LIMIT, true);
    limited('reason', stringOf(ev.reason), LENGTH_LIMIT, true);
    limited('message', stringOf(ev.message), NOTE_LENGTH_LIMIT, false);
  }
  errs.push(...isDNS1123Subdomain(namespace).map((msg) => field.invalid(FieldPath.of('namespace'), namespace, msg)));
  return errs;
}

export const eventStrategy: Strategy<Event> = {
  validate: validateEvent,
  validateUpdate: validateEvent,
};

/** kube's formatEventSource: component (or reportingController), then ", host" (or reportingInstance). */
function eventSource(ev: Event): string {
  const component = stringOf(sourceOf(ev).component) || stringOf(ev.reportingComponent);
  const instance = stringOf(sourceOf(ev).host) || stringOf(ev.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

function firstSeen(ev: Event, now: Date): string {
  return ev.firstTimestamp ? translateTimestampSince(ev.firstTimestamp, now) : translateTimestampSince(ev.eventTime, now);
}

function lastSeen(ev: Event, now: Date): string {
  const series = isRecord(ev.series) ? ev.series : undefined;
  if (series) return translateTimestampSince(series.lastObservedTime, now);
  return ev.lastTimestamp ? translateTimestampSince(ev.lastTimestamp, now) : firstSeen(ev, now);
}

/** A series' count, else count, and a singleton event (count 0) counts once. */
function eventCount(ev: Event): number {
  const series = isRecord(ev.series) ? ev.series : undefined;
  if (series) return numberOf(series.count);
  return numberOf(ev.count) || 1;
}

function objectCell(ev: Event): string {
  const kind = stringOf(involved(ev).kind).toLowerCase();
  const name = stringOf(involved(ev).name);
  return name ? `${kind}/${name}` : kind;
}

const eventColumns: TableColumn<Event>[] = [
  stringColumn('Last Seen', 'The time at which the most recent occurrence of this event was recorded.', lastSeen),
  stringColumn('Type', 'Type of this event (Normal, Warning), new types could be added in the future', (ev) => stringOf(ev.type)),
  stringColumn(
    'Reason',
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    (ev) => stringOf(ev.reason),
  ),
  stringColumn('Object', 'The object that this event is about.', objectCell),
  stringColumn(
    'Subobject',
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
    (ev) => stringOf(involved(ev).fieldPath),
    1,
  ),
  stringColumn('Source', 'The component reporting this event. Should be a short machine understandable string.', eventSource, 1),
  stringColumn('Message', 'A human-readable description of the status of this operation.', (ev) => stringOf(ev.message).trim()),
  stringColumn('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', firstSeen, 1),
  {
    name: 'Count',
    type: 'string',
    description: 'The number of times this event has occurred.',
    priority: 1,
    cell: eventCount,
  },
  {
    name: 'Name',
    type: 'string',
    format: 'name',
    description:
      'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
    priority: 1,
    cell: (ev) => ev.metadata?.name ?? '',
  },
];

/** kube's event ToSelectableFields. */
export function eventFieldLabels(ev: Event): Record<string, string> {
  const obj = involved(ev);
  return {
    'involvedObject.kind': stringOf(obj.kind),
    'involvedObject.namespace': stringOf(obj.namespace),
    'involvedObject.name': stringOf(obj.name),
    'involvedObject.uid': stringOf(obj.uid),
    'involvedObject.apiVersion': stringOf(obj.apiVersion),
    'involvedObject.resourceVersion': stringOf(obj.resourceVersion),
    'involvedObject.fieldPath': stringOf(obj.fieldPath),
    reason: stringOf(ev.reason),
    reportingComponent: stringOf(ev.reportingComponent),
    source: stringOf(sourceOf(ev).component) || stringOf(ev.reportingComponent),
    type: stringOf(ev.type),
  };
}

export const events: ResourceDefinition<Event> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: eventStrategy,
  generation: 'none',
  tableColumns: eventColumns,
  fieldLabels: eventFieldLabels,
  allowCreateOnUpdate: true,
  storagePrefix: '/events',
};
