/**
 * kube's core helper predicates on resource names (pkg/apis/core/helper) and
 * validateResourceName, as ResourceQuota and LimitRange validation use them.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { isQualifiedName } from '../../../apimachinery/validation/names.js';
import { isNegativeQuantity, isWholeQuantity, parseQuantity, QUANTITY_FORMAT_ERROR, QuantityParseError, quantityText, type Quantity } from './quantity.js';
import { undecodable } from './values.js';

const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers',
  'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
const STANDARD_RESOURCES = new Set([...STANDARD_QUOTA_RESOURCES, 'storage']);
const INTEGER_RESOURCES = new Set([
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
const isQuotaHugePages = (name: string): boolean => isHugePages(name) || name.startsWith('requests.hugepages-');

export const isStandardQuotaResourceName = (name: string): boolean => STANDARD_QUOTA_RESOURCES.has(name) || isQuotaHugePages(name);
export const isStandardResourceName = (name: string): boolean => STANDARD_RESOURCES.has(name) || isQuotaHugePages(name);
export const isStandardContainerResourceName = (name: string): boolean => STANDARD_CONTAINER_RESOURCES.has(name) || isHugePages(name);
export const isNativeResource = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');

/** kube's IsExtendedResourceName: a qualified, non-native name that is not a requests.* name. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

export const isIntegerResourceName = (name: string): boolean => INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);

/** kube's validateResourceName: qualified, and a standard name unless it has a domain. */
export function validateResourceName(name: string, path: FieldPath): field.FieldError[] {
  const errs = isQualifiedName(name).map((msg) => field.invalid(path, name, msg));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    return [field.invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

/** kube's validateContainerResourceName. */
export function validateContainerResourceName(name: string, path: FieldPath): field.FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!isStandardContainerResourceName(name)) return [...errs, field.invalid(path, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, field.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** kube's ValidateResourceQuantityValue: not negative, and whole for integer resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, text: string, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  if (isNegativeQuantity(q)) errs.push(field.invalid(path, text, 'must be greater than or equal to 0'));
  if (isIntegerResourceName(name) && !isWholeQuantity(q)) errs.push(field.invalid(path, text, 'must be an integer'));
  return errs;
}

/**
 * Parses every quantity of a resource list, as kube's decoder does: a bad one
 * is a 400 for `kind` before validation. Returns the parsed values by name.
 */
export function decodeResourceList(kind: string, list: unknown): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (typeof list !== 'object' || list === null || Array.isArray(list)) return out;
  for (const [name, v] of Object.entries(list)) {
    const text = quantityText(v);
    try {
      if (text === undefined) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
      out.set(name, parseQuantity(text));
    } catch (err) {
      if (err instanceof QuantityParseError) throw undecodable(kind, err.message);
      throw err;
    }
  }
  return out;
}

/** Sorted entries of a parsed resource list (Go iterates maps at random; sorted is stable for tests). */
export const sortedEntries = (m: Map<string, Quantity>): [string, Quantity][] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
