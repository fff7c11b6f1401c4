/**
 * core/v1 resourcequotas: kube's pkg/registry/core/resourcequota strategy,
 * ValidateResourceQuota* and the quota printer, as one ResourceDefinition.
 * Quantities are parsed as kube's decoder parses them (a bad one is a 400)
 * and stored in canonical form. Nothing computes usage.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { ageColumn } from './table-helpers.js';
import { formatQuantity, type Quantity } from './quantity.js';
import {
  decodeResourceList,
  isStandardQuotaResourceName,
  sortedEntries,
  validateResourceName,
  validateResourceQuantityValue,
} from './resource-names.js';
import { isRecord, recordsOf, stringOf, stringsOf, type JsonObject } from './values.js';

export interface ResourceQuota extends KubeObject {
  spec?: JsonObject;
  status?: JsonObject;
}

const SPEC = FieldPath.of('spec');
const STATUS = FieldPath.of('status');
const STANDARD_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const SCOPE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const CONFLICTING_SCOPES = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];

/** Rewrites a resource list with kube's canonical quantity strings (what kube stores and returns). */
function canonicalizeList(owner: JsonObject, key: string): void {
  const list = owner[key];
  if (!isRecord(list)) return;
  for (const [name, q] of decodeResourceList('ResourceQuota', list)) list[name] = formatQuantity(q);
}

/** kube's ValidateResourceQuotaResourceName. */
function validateQuotaResourceName(name: string, path: FieldPath): field.FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !isStandardQuotaResourceName(name)) errs.push(field.invalid(path, name, 'must be a standard resource for quota'));
  return errs;
}

function validateList(list: Map<string, Quantity>, raw: unknown, path: FieldPath): field.FieldError[] {
  const texts = isRecord(raw) ? raw : {};
  return sortedEntries(list).flatMap(([name, q]) => [
    ...validateQuotaResourceName(name, path.key(name)),
    ...validateResourceQuantityValue(name, q, String(texts[name]), path.key(name)),
  ]);
}

function validateScopes(spec: JsonObject, path: FieldPath): field.FieldError[] {
  const scopes = stringsOf(spec.scopes);
  const errs: field.FieldError[] = [];
  for (const scope of scopes) if (!STANDARD_SCOPES.includes(scope)) errs.push(field.invalid(path.child('scopes'), scopes, 'unsupported scope'));
  for (const pair of CONFLICTING_SCOPES) {
    if (pair.every((s) => scopes.includes(s))) errs.push(field.invalid(path.child('scopes'), scopes, 'conflicting scopes'));
  }
  const selector = isRecord(spec.scopeSelector) ? spec.scopeSelector : undefined;
  recordsOf(selector?.matchExpressions).forEach((req, i) => {
    const p = path.child('scopeSelector', 'matchExpressions').index(i);
    const scope = stringOf(req.scopeName);
    if (!STANDARD_SCOPES.includes(scope)) errs.push(field.invalid(p.child('scopeName'), scope, 'unsupported scope'));
    const op = stringOf(req.operator);
    const values = stringsOf(req.values);
    if (!SCOPE_OPERATORS.includes(op)) errs.push(field.notSupported(p.child('operator'), op, SCOPE_OPERATORS));
    else if ((op === 'In' || op === 'NotIn') && values.length === 0) {
      errs.push(field.required(p.child('values'), 'must be at least one value when `operator` is \'In\' or \'NotIn\' for scope selector'));
    } else if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
      errs.push(field.invalid(p.child('values'), values, 'must be no value when `operator` is \'Exist\' or \'DoesNotExist\' for scope selector'));
    }
  });
  return errs;
}

const specOf = (q: ResourceQuota): JsonObject => (isRecord(q.spec) ? q.spec : {});
const statusOf = (q: ResourceQuota): JsonObject => (isRecord(q.status) ? q.status : {});

/** kube's ValidateResourceQuotaSpec. */
export function validateResourceQuota(q: ResourceQuota): field.FieldError[] {
  const spec = specOf(q);
  return [...validateList(decodeResourceList('ResourceQuota', spec.hard), spec.hard, SPEC.child('hard')), ...validateScopes(spec, SPEC)];
}

/** kube's ValidateResourceQuotaStatus. */
export function validateResourceQuotaStatus(q: ResourceQuota): field.FieldError[] {
  const status = statusOf(q);
  return [
    ...validateList(decodeResourceList('ResourceQuota', status.hard), status.hard, STATUS.child('hard')),
    ...validateList(decodeResourceList('ResourceQuota', status.used), status.used, STATUS.child('used')),
  ];
}

export const resourceQuotaStrategy: Strategy<ResourceQuota> = {
  defaults(q) {
    canonicalizeList(specOf(q), 'hard');
  },
  prepareForCreate(q) {
    q.status = {};
  },
  validate: validateResourceQuota,
  validateUpdate: validateResourceQuota,
};

export const resourceQuotaStatusStrategy: Strategy<ResourceQuota> = {
  prepareForUpdate(q, old) {
    q.spec = structuredClone(old.spec);
    canonicalizeList(statusOf(q), 'hard');
    canonicalizeList(statusOf(q), 'used');
  },
  validateUpdate: validateResourceQuotaStatus,
};

/** The printer's REQUEST and LIMIT cells: "name: used/hard" for each status.hard entry, limits.* in LIMIT. */
function usageCells(q: ResourceQuota): { request: string; limit: string } {
  const status = statusOf(q);
  let hard: Map<string, Quantity>;
  let used: Map<string, Quantity>;
  try {
    hard = decodeResourceList('ResourceQuota', status.hard);
    used = decodeResourceList('ResourceQuota', status.used);
  } catch {
    return { request: '', limit: '' };
  }
  const request: string[] = [];
  const limit: string[] = [];
  for (const [name, h] of sortedEntries(hard)) {
    const u = used.get(name);
    const cell = `${name}: ${u ? formatQuantity(u) : '0'}/${formatQuantity(h)}`;
    (name.split('.')[0] === 'limits' && name.includes('.') ? limit : request).push(cell);
  }
  return { request: request.join(', '), limit: limit.join(', ') };
}

export const resourceQuotaColumns: TableColumn<ResourceQuota>[] = [
  ageColumn<ResourceQuota>(),
  {
    name: 'Request',
    type: 'string',
    description: 'Request represents a minimum amount of cpu/memory that a container may consume.',
    priority: 0,
    cell: (q) => usageCells(q).request,
  },
  {
    name: 'Limit',
    type: 'string',
    description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    priority: 0,
    cell: (q) => usageCells(q).limit,
  },
];

export const resourceQuotas: ResourceDefinition<ResourceQuota> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'resourcequotas',
    singularName: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: resourceQuotaStrategy,
  generation: 'none',
  status: { strategy: resourceQuotaStatusStrategy },
  tableColumns: resourceQuotaColumns,
};
