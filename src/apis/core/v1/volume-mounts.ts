/**
 * The per-mount checks of kube's ValidateVolumeMounts (1.32) beyond name and
 * mount path: subPath and subPathExpr stay inside the volume and exclude each
 * other, mount propagation and recursive read-only take kube's values. Like
 * kube, some of these errors name the list (`volumeMounts.subPath`), not the entry.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { validateLocalDescendingPath } from './volume-files.js';
import { isRecord, stringOf, type JsonObject } from './values.js';

// Sorted, as kube lists its sets.
const PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const RECURSIVE_READ_ONLY = ['Disabled', 'Enabled', 'IfPossible'];

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

function validatePropagation(mode: unknown, container: JsonObject, path: FieldPath): field.FieldError[] {
  if (!isSet(mode)) return [];
  const errs: field.FieldError[] = [];
  if (!PROPAGATIONS.includes(stringOf(mode))) errs.push(field.notSupported(path, mode, PROPAGATIONS));
  const privileged = isRecord(container.securityContext) && container.securityContext.privileged === true;
  if (mode === 'Bidirectional' && !privileged) {
    errs.push(field.forbidden(path, 'Bidirectional mount propagation is available only to privileged containers'));
  }
  return errs;
}

function validateRecursiveReadOnly(mount: JsonObject, path: FieldPath): field.FieldError[] {
  const rro = mount.recursiveReadOnly;
  if (!isSet(rro) || rro === 'Disabled') return [];
  if (rro !== 'Enabled' && rro !== 'IfPossible') return [field.notSupported(path, rro, RECURSIVE_READ_ONLY)];
  const errs: field.FieldError[] = [];
  if (mount.readOnly !== true) errs.push(field.forbidden(path, 'may only be specified when readOnly is true'));
  if (isSet(mount.mountPropagation) && mount.mountPropagation !== 'None') {
    errs.push(field.forbidden(path, 'may only be specified when mountPropagation is None or not specified'));
  }
  return errs;
}

/** One mount's subPath, propagation and read-only options; `listPath` is …volumeMounts, `path` the entry's. */
export function validateMountOptions(mount: JsonObject, container: JsonObject, listPath: FieldPath, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const subPath = stringOf(mount.subPath);
  const subPathExpr = stringOf(mount.subPathExpr);
  if (subPath) errs.push(...validateLocalDescendingPath(subPath, listPath.child('subPath')));
  if (subPathExpr) {
    if (subPath) errs.push(field.invalid(path.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    errs.push(...validateLocalDescendingPath(subPathExpr, listPath.child('subPathExpr')));
  }
  errs.push(...validatePropagation(mount.mountPropagation, container, listPath.child('mountPropagation')));
  errs.push(...validateRecursiveReadOnly(mount, listPath.child('recursiveReadOnly')));
  return errs;
}
