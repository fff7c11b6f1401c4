/**
 * kube's ValidateContainerResourceRequirements (1.32): resource names fit for
 * a container, quantities not negative, each request at most its limit, and
 * requests equal to limits for resources that cannot be overcommitted
 * (extended resources and hugepages). Hugepage divisibility and resource
 * claims are not checked.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { formatQuantity, parseQuantity, QUANTITY_FORMAT_ERROR, QuantityParseError, quantityText, compareQuantities, type Quantity } from './quantity.js';
import { isNativeResource, sortedEntries, validateContainerResourceName, validateResourceQuantityValue } from './resource-names.js';
import { isRecord } from './values.js';

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !isHugePages(name);
const COMPUTE = new Set(['cpu', 'memory']);

/**
 * The list's quantities by name. Kube's decoder refuses a malformed quantity
 * (a 400); here no decoder checks them first, so it is a field error instead.
 */
function parseList(list: unknown, path: FieldPath, errs: field.FieldError[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (!isRecord(list)) return out;
  for (const [name, v] of Object.entries(list)) {
    const text = quantityText(v);
    try {
      if (text === undefined) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
      out.set(name, parseQuantity(text));
    } catch (err) {
      if (!(err instanceof QuantityParseError)) throw err;
      errs.push(field.invalid(path.key(name), v, err.message));
    }
  }
  return out;
}

export function validateContainerResources(resources: unknown, path: FieldPath): field.FieldError[] {
  if (!isRecord(resources)) return [];
  const errs: field.FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = parseList(resources.limits, limPath, errs);
  const requests = parseList(resources.requests, reqPath, errs);
  let compute = false;
  let hugePages = false;
  for (const [name, q] of sortedEntries(limits)) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantityValue(name, q, formatQuantity(q), p));
    compute ||= COMPUTE.has(name);
    hugePages ||= isHugePages(name);
  }
  for (const [name, q] of sortedEntries(requests)) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantityValue(name, q, formatQuantity(q), p));
    const limit = limits.get(name);
    if (limit !== undefined) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(field.invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(field.invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    compute ||= COMPUTE.has(name);
    hugePages ||= isHugePages(name);
  }
  if (hugePages && !compute) errs.push(field.forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}
