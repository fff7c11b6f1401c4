/**
 * kube's downward API selectors (validateObjectFieldSelector and
 * validateContainerResourceFieldSelector, 1.32), shared by env valueFrom and
 * downwardAPI volume files, which differ only in the field paths they allow
 * and whether a resource selector must name its container.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { isQualifiedName } from '../../../apimachinery/validation/names.js';
import { QuantityParseError, formatQuantity, parseQuantity, quantityText } from './quantity.js';
import { stringOf, type JsonObject } from './values.js';

// Kept sorted: kube lists them from sorted sets.
export const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const HUGEPAGES_PREFIXES = ['limits.hugepages-', 'requests.hugepages-'];

/** What kube's ConvertDownwardAPIFieldLabel accepts for v1 pods (before the per-use list narrows it). */
const CONVERTIBLE_LABELS = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

/** kube's fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['k']` → path and subscript. */
function splitSubscript(fieldPath: string): { path: string; subscript: string } | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return { path: s.slice(0, at), subscript: s.slice(at + 2) };
}

/** The internal field path, or kube's conversion error text. */
function convertFieldLabel(apiVersion: string, label: string): { path: string } | { error: string } {
  if (apiVersion !== 'v1') return { error: `unsupported pod version: ${apiVersion}` };
  const sub = splitSubscript(label);
  if (sub) {
    return sub.path === 'metadata.annotations' || sub.path === 'metadata.labels'
      ? { path: label }
      : { error: `field label does not support subscript: ${label}` };
  }
  if (label === 'spec.host') return { path: 'spec.nodeName' };
  return CONVERTIBLE_LABELS.has(label) ? { path: label } : { error: `field label not supported: ${label}` };
}

/** kube's validateObjectFieldSelector: `allowed` is the sorted list for this use. */
export function validateObjectFieldSelector(fs: JsonObject, allowed: readonly string[], path: FieldPath): field.FieldError[] {
  const apiVersion = stringOf(fs.apiVersion);
  if (!apiVersion) return [field.required(path.child('apiVersion'))];
  const fieldPath = stringOf(fs.fieldPath);
  if (!fieldPath) return [field.required(path.child('fieldPath'))];
  const converted = convertFieldLabel(apiVersion, fieldPath);
  if ('error' in converted) return [field.invalid(path.child('fieldPath'), fieldPath, `error converting fieldPath: ${converted.error}`)];
  const sub = splitSubscript(converted.path);
  if (sub) {
    // Annotation keys are matched case-insensitively, so kube checks them lower-cased.
    const key = sub.path === 'metadata.annotations' ? sub.subscript.toLowerCase() : sub.subscript;
    return isQualifiedName(key).map((msg) => field.invalid(path, key, msg));
  }
  return allowed.includes(converted.path) ? [] : [field.notSupported(path.child('fieldPath'), converted.path, allowed)];
}

const MEMORY_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];
const DIVISOR_TAIL = `only divisor's values ${MEMORY_DIVISORS.join(', ')} are supported with the`;

/** kube's validateContainerResourceDivisor; an unset or zero divisor means 1. */
function validateDivisor(resource: string, divisor: unknown, path: FieldPath): field.FieldError[] {
  const text = quantityText(divisor);
  if (text === undefined) return [];
  let canonical: string;
  try {
    canonical = formatQuantity(parseQuantity(text));
  } catch (err) {
    if (err instanceof QuantityParseError) return [field.invalid(path.child('divisor'), text, err.message)];
    throw err;
  }
  if (canonical === '0') return [];
  const errs: field.FieldError[] = [];
  const p = path.child('divisor');
  if (resource === 'limits.cpu' || resource === 'requests.cpu') {
    if (canonical !== '1m' && canonical !== '1') errs.push(field.invalid(p, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
  } else if (resource === 'limits.memory' || resource === 'requests.memory') {
    if (!MEMORY_DIVISORS.includes(canonical)) errs.push(field.invalid(p, resource, `${DIVISOR_TAIL} memory resource`));
  } else if (resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') {
    if (!MEMORY_DIVISORS.includes(canonical)) errs.push(field.invalid(p, resource, `${DIVISOR_TAIL} local ephemeral storage resource`));
  }
  if (HUGEPAGES_PREFIXES.some((prefix) => resource.startsWith(prefix)) && !MEMORY_DIVISORS.includes(canonical)) {
    errs.push(field.invalid(p, resource, `${DIVISOR_TAIL} hugepages resource`));
  }
  return errs;
}

/** kube's validateContainerResourceFieldSelector; a volume file must also name its container. */
export function validateResourceFieldSelector(fs: JsonObject, path: FieldPath, forVolume: boolean): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const resource = stringOf(fs.resource);
  if (forVolume && !stringOf(fs.containerName)) errs.push(field.required(path.child('containerName')));
  else if (!resource) errs.push(field.required(path.child('resource')));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !HUGEPAGES_PREFIXES.some((prefix) => resource.startsWith(prefix))) {
    errs.push(field.notSupported(path.child('resource'), resource, RESOURCE_FIELD_PATHS));
  }
  errs.push(...validateDivisor(resource, fs.divisor, path));
  return errs;
}
