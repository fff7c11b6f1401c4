/**
 * The files a volume writes into a container (kube 1.32): relative paths that
 * stay inside the volume, file modes, ConfigMap/Secret items, downward API
 * files and projected sources, with kube's paths and messages.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { VOLUME_FIELD_PATHS, validateObjectFieldSelector, validateResourceFieldSelector } from './downward-api.js';
import { isRecord, recordsOf, stringOf, type JsonObject } from './values.js';

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const MIN_TOKEN_SECONDS = 10 * 60;
const MAX_TOKEN_SECONDS = 2 ** 32;

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** kube's validatePathNoBacksteps: no `..` element (one error however many). */
export function validatePathNoBacksteps(target: string, path: FieldPath): field.FieldError[] {
  return target.split('/').includes('..') ? [field.invalid(path, target, "must not contain '..'")] : [];
}

/** kube's validateLocalDescendingPath: relative, and no `..` element. */
export function validateLocalDescendingPath(target: string, path: FieldPath): field.FieldError[] {
  const errs = target.startsWith('/') ? [field.invalid(path, target, 'must be a relative path')] : [];
  return [...errs, ...validatePathNoBacksteps(target, path)];
}

/** kube's ValidateLocalNonReservedPath: also not starting with `..` (as in `..data`, the atomic writer's). */
export function validateLocalNonReservedPath(target: string, path: FieldPath): field.FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(field.invalid(path, target, "must not start with '..'"));
  return errs;
}

/** A mode or defaultMode: 0 to 0777. A non-number (kube's decoder refuses it) is reported the same way. */
export function validateFileMode(mode: unknown, path: FieldPath): field.FieldError[] {
  if (!isSet(mode)) return [];
  const ok = typeof mode === 'number' && Number.isInteger(mode) && mode >= 0 && mode <= 0o777;
  return ok ? [] : [field.invalid(path, mode, FILE_MODE_ERROR)];
}

/** kube's validateKeyToPath: one ConfigMap or Secret item. */
export function validateKeyToPath(kp: JsonObject, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const key = stringOf(kp.key);
  const target = stringOf(kp.path);
  if (!key) errs.push(field.required(path.child('key')));
  if (!target) errs.push(field.required(path.child('path')));
  errs.push(...validateLocalNonReservedPath(target, path.child('path')));
  errs.push(...validateFileMode(kp.mode, path.child('mode')));
  return errs;
}

/** kube's validateDownwardAPIVolumeFile; `path` is the volume's (or projection's), as kube reports it. */
function validateDownwardAPIFile(file: JsonObject, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const target = stringOf(file.path);
  if (!target) errs.push(field.required(path.child('path')));
  errs.push(...validateLocalNonReservedPath(target, path.child('path')));
  if (isSet(file.fieldRef)) {
    errs.push(...validateObjectFieldSelector(isRecord(file.fieldRef) ? file.fieldRef : {}, VOLUME_FIELD_PATHS, path.child('fieldRef')));
    if (isSet(file.resourceFieldRef)) errs.push(field.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (isSet(file.resourceFieldRef)) {
    errs.push(...validateResourceFieldSelector(isRecord(file.resourceFieldRef) ? file.resourceFieldRef : {}, path.child('resourceFieldRef'), true));
  } else {
    errs.push(field.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(file.mode, path.child('mode')));
  return errs;
}

/** kube's validateDownwardAPIVolumeSource. Note kube reports item errors without the item index. */
export function validateDownwardAPIVolume(src: JsonObject, path: FieldPath): field.FieldError[] {
  const errs = validateFileMode(src.defaultMode, path.child('defaultMode'));
  for (const file of recordsOf(src.items)) errs.push(...validateDownwardAPIFile(file, path));
  return errs;
}

/** kube's validateSecretVolumeSource and validateConfigMapVolumeSource: `nameKey` is secretName or name. */
export function validateObjectVolume(src: JsonObject, nameKey: 'name' | 'secretName', path: FieldPath): field.FieldError[] {
  const errs = stringOf(src[nameKey]) ? [] : [field.required(path.child(nameKey))];
  errs.push(...validateFileMode(src.defaultMode, path.child('defaultMode')));
  recordsOf(src.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, path.child('items').index(i))));
  return errs;
}

/** The ConfigMap or Secret items of one projection, each path once across all sources. */
function validateProjectedItems(src: JsonObject, srcPath: FieldPath, volPath: FieldPath, paths: Set<string>): field.FieldError[] {
  const errs = stringOf(src.name) ? [] : [field.required(srcPath.child('name'))];
  recordsOf(src.items).forEach((kp, i) => {
    errs.push(...validateKeyToPath(kp, srcPath.child('items').index(i)));
    const target = stringOf(kp.path);
    if (!target) return;
    if (paths.has(target)) errs.push(field.invalid(volPath, stringOf(src.name), 'conflicting duplicate paths'));
    paths.add(target);
  });
  return errs;
}

/** kube's validateServiceAccountTokenProjection; its path errors name the volume's path, as kube's do. */
function validateTokenProjection(token: JsonObject, srcPath: FieldPath, volPath: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  // The defaulter sets 3600; an explicit value is what is checked.
  const seconds = typeof token.expirationSeconds === 'number' ? token.expirationSeconds : 3600;
  const p = srcPath.child('expirationSeconds');
  if (seconds < MIN_TOKEN_SECONDS) errs.push(field.invalid(p, seconds, 'may not specify a duration less than 10 minutes'));
  if (seconds > MAX_TOKEN_SECONDS) errs.push(field.invalid(p, seconds, 'may not specify a duration larger than 2^32 seconds'));
  const target = stringOf(token.path);
  if (!target) errs.push(field.required(volPath.child('path')));
  else errs.push(...validateLocalNonReservedPath(target, volPath.child('path')));
  return errs;
}

const PROJECTION_KINDS = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'] as const;

/**
 * kube's validateProjectedVolumeSource: each source is one kind, and the
 * files of all sources have distinct paths. clusterTrustBundle (alpha, off
 * by default in 1.32) counts as a kind but its fields are not checked.
 */
export function validateProjectedVolume(src: JsonObject, path: FieldPath): field.FieldError[] {
  const errs = validateFileMode(src.defaultMode, path.child('defaultMode'));
  const paths = new Set<string>();
  recordsOf(src.sources).forEach((source, i) => {
    const srcPath = path.child('sources').index(i);
    const part = (k: string): JsonObject => (isRecord(source[k]) ? (source[k] as JsonObject) : {});
    if (isSet(source.secret)) errs.push(...validateProjectedItems(part('secret'), srcPath.child('secret'), path, paths));
    if (isSet(source.configMap)) errs.push(...validateProjectedItems(part('configMap'), srcPath.child('configMap'), path, paths));
    if (isSet(source.downwardAPI)) {
      for (const file of recordsOf(part('downwardAPI').items)) {
        errs.push(...validateDownwardAPIFile(file, srcPath.child('downwardAPI')));
        const target = stringOf(file.path);
        if (!target) continue;
        if (paths.has(target)) errs.push(field.invalid(path, target, 'conflicting duplicate paths'));
        paths.add(target);
      }
    }
    if (isSet(source.serviceAccountToken)) errs.push(...validateTokenProjection(part('serviceAccountToken'), srcPath.child('serviceAccountToken'), path));
    if (PROJECTION_KINDS.filter((k) => isSet(source[k])).length > 1) {
      errs.push(field.forbidden(srcPath, 'may not specify more than 1 volume type per source'));
    }
  });
  return errs;
}
