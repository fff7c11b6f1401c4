import { newBadRequest, type StatusError } from '../apimachinery/status-error.js';
import { newInvalid } from '../apimachinery/invalid.js';
import { forbidden, notSupported, type FieldError } from '../apimachinery/validation/field-error.js';
import type { FieldSelector } from '../apimachinery/fields.js';
import type { LabelSelector } from '../apimachinery/labels.js';

export type ResourceVersionMatch = '' | 'NotOlderThan' | 'Exact';

/** meta/v1 ListOptions as the registry takes them, selectors already parsed. */
export interface APIListOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
  /** Watch only. */
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

/**
 * kube's ValidateListOptions: the combinations of resourceVersion, match,
 * continue and sendInitialEvents it refuses, with its messages. A watch is
 * checked by its own rules (validateWatchOptions, WatchList enabled).
 */
export function validateListOptions(o: APIListOptions, isWatch: boolean): StatusError | undefined {
  const errs = isWatch ? watchOptionErrors(o) : listOptionErrors(o);
  if (errs.length > 0) return newInvalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', errs);
  return undefined;
}

function listOptionErrors(o: APIListOptions): FieldError[] {
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch ?? '';
  if (match !== '') {
    if (!o.resourceVersion) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (o.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && o.resourceVersion === '0') {
      errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (o.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}

function watchOptionErrors(o: APIListOptions): FieldError[] {
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch ?? '';
  if (o.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errs.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match !== '') {
    if (o.sendInitialEvents === undefined) {
      errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    }
    if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if (o.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errs;
}

/** A resourceVersion as the storage revision; "" and undefined are 0 (latest). */
export function parseResourceVersion(rv: string | undefined): number {
  if (rv === undefined || rv === '') return 0;
  if (!/^\d+$/.test(rv)) throw newBadRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}
