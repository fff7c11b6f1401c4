/**
 * kube's validatePodSpecSecurityContext and ValidateSecurityContext (1.32) for
 * the fields clients commonly get wrong: user and group IDs, the fsGroup
 * change policy, seccomp profiles, procMount, and the privilege-escalation
 * contradictions. Sysctls, Windows options and AppArmor are stored as given.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { isRecord, stringOf, stringsOf, type JsonObject } from './values.js';

const MAX_ID = 2147483647;
// Sorted, as kube lists a set; the other lists are in kube's written order.
const FS_GROUP_CHANGE_POLICIES = ['Always', 'OnRootMismatch'];
const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];
const PROC_MOUNT_TYPES = ['Default', 'Unmasked'];

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** kube's IsValidUserID and IsValidGroupID: 0 to MaxInt32. */
function validateID(value: unknown, path: FieldPath): field.FieldError[] {
  if (!isSet(value)) return [];
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_ID;
  return ok ? [] : [field.invalid(path, value, `must be between 0 and ${MAX_ID}, inclusive`)];
}

function validateSeccompProfile(profile: unknown, path: FieldPath): field.FieldError[] {
  if (!isSet(profile)) return [];
  const sp = isRecord(profile) ? profile : {};
  const errs: field.FieldError[] = [];
  const type = stringOf(sp.type);
  if (!type) errs.push(field.required(path.child('type'), 'type is required when seccompProfile is set'));
  else if (!SECCOMP_TYPES.includes(type)) errs.push(field.notSupported(path.child('type'), type, SECCOMP_TYPES));
  if (type === 'Localhost') {
    if (!isSet(sp.localhostProfile)) errs.push(field.required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost'));
  } else if (isSet(sp.localhostProfile)) {
    errs.push(field.invalid(path.child('localhostProfile'), sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

/** `spec.securityContext`, and the sharing rule kube reports under it. */
export function validatePodSecurityContext(spec: JsonObject, specPath: FieldPath): field.FieldError[] {
  const sc = spec.securityContext;
  if (!isRecord(sc)) return [];
  const path = specPath.child('securityContext');
  const errs = [
    ...validateID(sc.fsGroup, path.child('fsGroup')),
    ...validateID(sc.runAsUser, path.child('runAsUser')),
    ...validateID(sc.runAsGroup, path.child('runAsGroup')),
  ];
  if (Array.isArray(sc.supplementalGroups)) {
    sc.supplementalGroups.forEach((gid, i) => errs.push(...validateID(gid, path.child('supplementalGroups').index(i))));
  }
  // v1 keeps hostPID and shareProcessNamespace on the spec; kube's internal type has them here.
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(field.invalid(path.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  if (isSet(sc.fsGroupChangePolicy)) {
    const policy = stringOf(sc.fsGroupChangePolicy);
    if (!FS_GROUP_CHANGE_POLICIES.includes(policy)) errs.push(field.notSupported(path.child('fsGroupChangePolicy'), policy, FS_GROUP_CHANGE_POLICIES));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  return errs;
}

/** A container's `securityContext`; hostUsers is the pod's (true unless spec.hostUsers is false). */
export function validateContainerSecurityContext(value: unknown, hostUsers: boolean, path: FieldPath): field.FieldError[] {
  if (!isRecord(value)) return [];
  const sc = value;
  const errs = [...validateID(sc.runAsUser, path.child('runAsUser')), ...validateID(sc.runAsGroup, path.child('runAsGroup'))];
  if (isSet(sc.procMount)) {
    const procMount = stringOf(sc.procMount);
    if (!PROC_MOUNT_TYPES.includes(procMount)) errs.push(field.notSupported(path.child('procMount'), procMount, PROC_MOUNT_TYPES));
    if (hostUsers && procMount === 'Unmasked') {
      errs.push(field.invalid(path.child('procMount'), procMount, '`hostUsers` must be false to use `Unmasked`'));
    }
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    }
    const added = isRecord(sc.capabilities) ? stringsOf(sc.capabilities.add) : [];
    for (const cap of added) {
      if (cap === 'CAP_SYS_ADMIN') {
        errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
      }
    }
  }
  return errs;
}
