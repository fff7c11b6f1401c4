/**
 * core/v1 limitranges: core/v1 defaults (a Container limit's default and
 * defaultRequest from max, default and min), ValidateLimitRange and the
 * limit range printer (only CREATED AT), as one ResourceDefinition.
 * Quantities are parsed as kube's decoder parses them and stored canonical.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { CREATION_TIMESTAMP_DESCRIPTION } from './table-helpers.js';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from './quantity.js';
import { decodeResourceList, isNativeResource, validateContainerResourceName, validateResourceName } from './resource-names.js';
import { isRecord, recordsOf, stringOf, type JsonObject } from './values.js';

export interface LimitRange extends KubeObject {
  spec?: JsonObject;
}

const LIMITS = FieldPath.of('spec', 'limits');
const STANDARD_LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];
const LISTS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;
const ONE = parseQuantity('1');

const itemsOf = (lr: LimitRange): JsonObject[] => recordsOf(isRecord(lr.spec) ? lr.spec.limits : undefined);

/** kube's SetDefaults_LimitRangeItem, after putting every quantity in canonical form. */
function defaultItem(item: JsonObject): void {
  for (const key of LISTS) {
    const list = item[key];
    if (isRecord(list)) for (const [name, q] of decodeResourceList('LimitRange', list)) list[name] = formatQuantity(q);
  }
  if (item.type !== 'Container') return;
  const defaults: JsonObject = isRecord(item.default) ? { ...item.default } : {};
  const requests: JsonObject = isRecord(item.defaultRequest) ? { ...item.defaultRequest } : {};
  for (const [k, v] of Object.entries(isRecord(item.max) ? item.max : {})) if (!(k in defaults)) defaults[k] = v;
  for (const [k, v] of Object.entries(defaults)) if (!(k in requests)) requests[k] = v;
  for (const [k, v] of Object.entries(isRecord(item.min) ? item.min : {})) if (!(k in requests)) requests[k] = v;
  // Empty resource lists are omitted, as Go's omitempty does.
  if (Object.keys(defaults).length > 0) item.default = defaults;
  if (Object.keys(requests).length > 0) item.defaultRequest = requests;
}

function validateTypeName(type: string, path: FieldPath): field.FieldError[] {
  const errs = isQualifiedName(type).map((msg) => field.invalid(path, type, msg));
  if (errs.length > 0) return errs;
  if (!type.includes('/') && !STANDARD_LIMIT_TYPES.includes(type)) return [field.invalid(path, type, 'must be a standard limit type or fully qualified')];
  return [];
}

/** kube's IsOvercommitAllowed: not for hugepages or extended resources. */
const overcommitAllowed = (name: string): boolean => isNativeResource(name) && !name.startsWith('hugepages-');

function validateItem(item: JsonObject, path: FieldPath, seenTypes: Set<string>): field.FieldError[] {
  const type = stringOf(item.type);
  const errs = validateTypeName(type, path.child('type'));
  if (seenTypes.has(type)) errs.push(field.duplicate(path.child('type'), type));
  seenTypes.add(type);
  const nameCheck = type === 'Pod' || type === 'Container' ? validateContainerResourceName : validateResourceName;
  const lists: Record<string, Map<string, Quantity>> = {};
  const keys = new Set<string>();
  for (const key of LISTS) {
    lists[key] = decodeResourceList('LimitRange', item[key]);
    const podDefault = type === 'Pod' && (key === 'default' || key === 'defaultRequest');
    if (podDefault) {
      if (lists[key].size > 0) errs.push(field.forbidden(path.child(key), "may not be specified when `type` is 'Pod'"));
      lists[key] = new Map();
      continue;
    }
    for (const name of [...lists[key].keys()].sort()) {
      errs.push(...nameCheck(name, path.child(key).key(name)));
      keys.add(name);
    }
  }
  if (type === 'PersistentVolumeClaim' && !lists.min.has('storage') && !lists.max.has('storage')) {
    errs.push(field.required(path.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }
  const s = formatQuantity;
  for (const k of [...keys].sort()) {
    const min = lists.min.get(k);
    const max = lists.max.get(k);
    const def = lists.default.get(k);
    const req = lists.defaultRequest.get(k);
    const ratio = lists.maxLimitRequestRatio.get(k);
    if (min && max && compareQuantities(min, max) > 0) {
      errs.push(field.invalid(path.child('min').key(k), s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
    }
    if (req && min && compareQuantities(min, req) > 0) {
      errs.push(field.invalid(path.child('defaultRequest').key(k), s(req), `min value ${s(min)} is greater than default request value ${s(req)}`));
    }
    if (req && max && compareQuantities(req, max) > 0) {
      errs.push(field.invalid(path.child('defaultRequest').key(k), s(req), `default request value ${s(req)} is greater than max value ${s(max)}`));
    }
    if (req && def && compareQuantities(req, def) > 0) {
      errs.push(
        field.invalid(path.child('defaultRequest').key(k), s(req), `default request value ${s(req)} is greater than default limit value ${s(def)}`),
      );
    }
    if (def && min && compareQuantities(min, def) > 0) {
      errs.push(field.invalid(path.child('default').key(k), s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
    }
    if (def && max && compareQuantities(def, max) > 0) {
      errs.push(field.invalid(path.child('default').key(k), s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
    }
    if (ratio && compareQuantities(ratio, ONE) < 0) {
      errs.push(field.invalid(path.child('maxLimitRequestRatio').key(k), s(ratio), `ratio ${s(ratio)} is less than 1`));
    }
    if (ratio && min && max && min.nanos !== 0n) {
      const limit = Number(max.nanos) / Number(min.nanos);
      if (Number(ratio.nanos) / 1e9 > limit) {
        errs.push(field.invalid(path.child('maxLimitRequestRatio').key(k), s(ratio), `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
      }
    }
    if (!overcommitAllowed(k) && def && req && compareQuantities(def, req) !== 0) {
      errs.push(
        field.invalid(path.child('defaultRequest').key(k), s(req), `default value ${s(def)} must equal to defaultRequest value ${s(req)} in ${k}`),
      );
    }
  }
  return errs;
}

/** kube's ValidateLimitRange (metadata aside). */
export function validateLimitRange(lr: LimitRange): field.FieldError[] {
  const seen = new Set<string>();
  return itemsOf(lr).flatMap((item, i) => validateItem(item, LIMITS.index(i), seen));
}

export const limitRangeStrategy: Strategy<LimitRange> = {
  defaults(lr) {
    for (const item of itemsOf(lr)) defaultItem(item);
  },
  validate: validateLimitRange,
  validateUpdate: validateLimitRange,
};

export const limitRanges: ResourceDefinition<LimitRange> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'limitranges',
    singularName: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: limitRangeStrategy,
  generation: 'none',
  tableColumns: [
    {
      name: 'Created At',
      type: 'date',
      description: CREATION_TIMESTAMP_DESCRIPTION,
      priority: 0,
      // kube prints the metav1.Time itself, which is its RFC 3339 text.
      cell: (lr) => (typeof lr.metadata?.creationTimestamp === 'string' ? lr.metadata.creationTimestamp : null),
    },
  ],
};
