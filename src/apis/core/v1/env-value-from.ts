/**
 * kube's validateEnvVarValueFrom and ValidateEnvFrom (1.32): an env var takes
 * its value from exactly one source, never alongside a literal `value`, and
 * an envFrom entry names exactly one ConfigMap or Secret.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { isConfigMapKey, nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { ENV_FIELD_PATHS, validateObjectFieldSelector, validateResourceFieldSelector } from './downward-api.js';
import { isRecord, stringOf, type JsonObject } from './values.js';

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const recordOf = (v: unknown): JsonObject => (isRecord(v) ? v : {});

/** kube's relaxed env var name rule (RelaxedEnvironmentVariableValidation is on in 1.32). */
export function relaxedEnvVarNameErrors(name: string): string[] {
  const bad = [...name].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) > 126 || ch === '=');
  return bad ? ["a valid environment variable name must consist only of printable ASCII characters other than '='"] : [];
}

/** kube's validateConfigMapKeySelector and validateSecretKeySelector (the same rules). */
function validateKeySelector(sel: JsonObject, path: FieldPath): field.FieldError[] {
  const name = stringOf(sel.name);
  // No required check on the name: kube runs the name rule even on "", which fails it.
  const errs = nameIsDNSSubdomain(name, false).map((msg) => field.invalid(path.child('name'), name, msg));
  const key = stringOf(sel.key);
  if (!key) errs.push(field.required(path.child('key')));
  else errs.push(...isConfigMapKey(key).map((msg) => field.invalid(path.child('key'), key, msg)));
  return errs;
}

/** One env var's `valueFrom`, at `path` (…env[i].valueFrom). */
export function validateEnvVarValueFrom(ev: JsonObject, path: FieldPath): field.FieldError[] {
  if (!isSet(ev.valueFrom)) return [];
  const from = recordOf(ev.valueFrom);
  const errs: field.FieldError[] = [];
  let sources = 0;
  if (isSet(from.fieldRef)) {
    sources++;
    errs.push(...validateObjectFieldSelector(recordOf(from.fieldRef), ENV_FIELD_PATHS, path.child('fieldRef')));
  }
  if (isSet(from.resourceFieldRef)) {
    sources++;
    errs.push(...validateResourceFieldSelector(recordOf(from.resourceFieldRef), path.child('resourceFieldRef'), false));
  }
  if (isSet(from.configMapKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(recordOf(from.configMapKeyRef), path.child('configMapKeyRef')));
  }
  if (isSet(from.secretKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(recordOf(from.secretKeyRef), path.child('secretKeyRef')));
  }
  if (sources === 0) {
    errs.push(field.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (stringOf(ev.value) !== '') {
    errs.push(field.invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

/** kube's validateConfigMapEnvSource / validateSecretEnvSource: names may be prefixes (a trailing dash is fine). */
function validateEnvSourceName(ref: JsonObject, path: FieldPath): field.FieldError[] {
  const name = stringOf(ref.name);
  if (!name) return [field.required(path.child('name'))];
  return nameIsDNSSubdomain(name, true).map((msg) => field.invalid(path.child('name'), name, msg));
}

/** A container's `envFrom`. Like kube, the one-source errors name the list, not the entry. */
export function validateEnvFrom(envFrom: unknown, path: FieldPath): field.FieldError[] {
  if (!Array.isArray(envFrom)) return [];
  const errs: field.FieldError[] = [];
  envFrom.forEach((entry, i) => {
    const ev = recordOf(entry);
    const p = path.index(i);
    const prefix = stringOf(ev.prefix);
    if (prefix) errs.push(...relaxedEnvVarNameErrors(prefix).map((msg) => field.invalid(p.child('prefix'), prefix, msg)));
    let sources = 0;
    if (isSet(ev.configMapRef)) {
      sources++;
      errs.push(...validateEnvSourceName(recordOf(ev.configMapRef), p.child('configMapRef')));
    }
    if (isSet(ev.secretRef)) {
      sources++;
      errs.push(...validateEnvSourceName(recordOf(ev.secretRef), p.child('secretRef')));
    }
    if (sources === 0) errs.push(field.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
