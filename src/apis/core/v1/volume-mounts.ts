/**
 * The per-mount checks of kube's ValidateVolumeMounts (1.32) beyond name and
 * mount path: subPath and subPathExpr stay inside the volume and exclude each
 * other, mount propagation and recursive read-only take kube's values; and
 * kube's ValidateVolumeDevices (block devices of claim-backed volumes, apart
 * from the mounts). Like kube, some errors name the list
 * (`volumeMounts.subPath`), not the entry.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { validateLocalDescendingPath, validatePathNoBacksteps } from './volume-files.js';
import { isRecord, recordsOf, stringOf, type JsonObject } from './values.js';

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
  const devices = recordsOf(container.volumeDevices);
  const name = stringOf(mount.name);
  const mountPath = stringOf(mount.mountPath);
  if (devices.some((d) => stringOf(d.name) === name)) errs.push(field.invalid(path.child('name'), name, 'must not already exist in volumeDevices'));
  if (devices.some((d) => stringOf(d.devicePath) === mountPath)) {
    errs.push(field.invalid(path.child('mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
  }
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

/**
 * A container's `volumeDevices`: each names a valid volume backed by a claim
 * (`blockVolumes`: persistentVolumeClaim or ephemeral), once, at a device path
 * used once, without `..`, and neither shared with a mount.
 */
export function validateVolumeDevices(
  container: JsonObject,
  volumes: ReadonlySet<string>,
  blockVolumes: ReadonlySet<string>,
  path: FieldPath,
): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const mounts = recordsOf(container.volumeMounts);
  const names = new Set<string>();
  const paths = new Set<string>();
  recordsOf(container.volumeDevices).forEach((dev, i) => {
    const p = path.index(i);
    const name = stringOf(dev.name);
    const devicePath = stringOf(dev.devicePath);
    if (!name) errs.push(field.required(p.child('name')));
    if (names.has(name)) errs.push(field.invalid(p.child('name'), name, 'must be unique'));
    if (volumes.has(name) && !blockVolumes.has(name)) {
      errs.push(field.invalid(p.child('name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!volumes.has(name)) errs.push(field.notFound(p.child('name'), name));
    if (!devicePath) errs.push(field.required(p.child('devicePath')));
    if (paths.has(devicePath)) errs.push(field.invalid(p.child('devicePath'), devicePath, 'must be unique'));
    if (devicePath && validatePathNoBacksteps(devicePath, p).length > 0) {
      errs.push(field.invalid(p.child('devicePath'), devicePath, "can not contain backsteps ('..')"));
    } else paths.add(devicePath);
    if (mounts.some((m) => stringOf(m.name) === name)) errs.push(field.invalid(p.child('name'), name, 'must not already exist in volumeMounts'));
    if (mounts.some((m) => stringOf(m.mountPath) === devicePath)) {
      errs.push(field.invalid(p.child('devicePath'), devicePath, 'must not already exist as a path in volumeMounts'));
    }
    if (name) names.add(name);
  });
  return errs;
}
