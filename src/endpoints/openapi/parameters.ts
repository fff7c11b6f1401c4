import type { OpenAPIVersion, Schema } from './schema.js';

/** The query and path parameters kube declares on its REST operations (descriptions are ours). */
export interface ParameterSpec {
  name: string;
  in: 'query' | 'path';
  type: 'string' | 'integer' | 'boolean';
  description: string;
}

const q = (name: string, type: ParameterSpec['type'], description: string): ParameterSpec => ({ name, in: 'query', type, description });

export const PARAMETERS = {
  name: { name: 'name', in: 'path', type: 'string', description: 'The name of the object.' },
  namespace: { name: 'namespace', in: 'path', type: 'string', description: 'The namespace of the objects; namespaces partition names.' },
  pretty: q('pretty', 'string', "If 'true', the output is indented."),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'On a watch, asks for BOOKMARK events, which carry only a newer resourceVersion. Ignored otherwise.'),
  continue: q('continue', 'string', 'The token from the previous page of a paged list (metadata.continue), to get the next page. An expired token gives 410 Gone.'),
  fieldSelector: q('fieldSelector', 'string', 'Only objects whose fields match this selector (for example metadata.name=x). Defaults to everything.'),
  labelSelector: q('labelSelector', 'string', 'Only objects whose labels match this selector. Defaults to everything.'),
  limit: q('limit', 'integer', 'The most objects to return; when more remain, metadata.continue is set for the next page. Not with watch.'),
  resourceVersion: q('resourceVersion', 'string', 'Which resourceVersion the request may be served from; see the resourceVersion rules of the Kubernetes API concepts.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'On a watch, starts with synthetic ADDED events for the current state, then a bookmark annotated k8s.io/initial-events-end.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Ends a list or watch call after this many seconds.'),
  watch: q('watch', 'boolean', 'Streams add, update and delete events for the objects instead of listing them.'),
  dryRun: q('dryRun', 'string', 'When set to All, the request is processed and validated in full but nothing is persisted.'),
  fieldManager: q('fieldManager', 'string', 'The name of the actor making the change, recorded in managedFields. At most 128 printable characters.'),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'What the server does with unknown or duplicate fields in the body: Ignore drops them, Warn (the default) drops them and returns a warning for each, Strict fails the request with a BadRequest naming them.',
  ),
  force: q('force', 'boolean', 'For apply patches only: take over the fields other managers own instead of failing with a conflict.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; zero deletes at once. Defaults to the kind\'s own period.'),
  ignoreStoreReadErrorWithClusterBreakingPotential: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Deletes an object whose stored data cannot be read or decoded. Dangerous: owners and finalizers are not honoured.',
  ),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated, use propagationPolicy. Whether to orphan the dependents of the object.'),
  propagationPolicy: q('propagationPolicy', 'string', 'How dependents are collected: Orphan, Background or Foreground.'),
} satisfies Record<string, ParameterSpec>;

export type ParameterName = keyof typeof PARAMETERS;

export const LIST_PARAMETERS: ParameterName[] = [
  'allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit',
  'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch',
];
export const CREATE_PARAMETERS: ParameterName[] = ['dryRun', 'fieldManager', 'fieldValidation'];
export const UPDATE_PARAMETERS: ParameterName[] = ['dryRun', 'fieldManager', 'fieldValidation'];
export const PATCH_PARAMETERS: ParameterName[] = ['dryRun', 'fieldManager', 'fieldValidation', 'force'];
export const DELETE_PARAMETERS: ParameterName[] = [
  'dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy',
];
export const DELETECOLLECTION_PARAMETERS: ParameterName[] = [
  'continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'labelSelector',
  'limit', 'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds',
];

/** A parameter as each OpenAPI version writes it (v2 inline type; v3 a schema). Path parameters are required. */
export function renderParameter(p: ParameterSpec, v: OpenAPIVersion): Schema {
  const required = p.in === 'path' ? { required: true } : {};
  if (v === 'v2') return { description: p.description, in: p.in, name: p.name, ...required, type: p.type, uniqueItems: true };
  return { description: p.description, in: p.in, name: p.name, ...required, schema: { type: p.type, uniqueItems: true } };
}
