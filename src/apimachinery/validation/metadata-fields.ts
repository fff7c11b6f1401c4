/**
 * Checks on the parts of ObjectMeta that every resource shares (kube's
 * apimachinery/pkg/api/validation/objectmeta.go, Kubernetes 1.32).
 */
import { byteLength, goStringSlice } from './go-format.js';
import * as field from './field-error.js';
import type { FieldPath } from './path.js';
import { isQualifiedName } from './names.js';

/** 256 KiB: the most that all annotation keys and values together may take. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';

/** Keys are qualified names, compared in lower case; the total size is bounded. */
export function validateAnnotations(
  annotations: Readonly<Record<string, string>> | null | undefined,
  path: FieldPath,
): field.FieldError[] {
  const errs: field.FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((msg) => field.invalid(path, k, msg)));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.push(field.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errs;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean | null;
  blockOwnerDeletion?: boolean | null;
}

/** kube's schema.ParseGroupVersion; undefined where it errors (more than one '/'). */
function parseGroupVersion(gv: string): { group: string; version: string } | undefined {
  if (gv === '' || gv === '/') return { group: '', version: '' };
  const slashes = gv.split('/').length - 1;
  if (slashes === 0) return { group: '', version: gv };
  if (slashes === 1) {
    const i = gv.indexOf('/');
    return { group: gv.slice(0, i), version: gv.slice(i + 1) };
  }
  return undefined;
}

function validateOwnerReference(ref: OwnerReference, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const gv = parseGroupVersion(ref.apiVersion ?? '') ?? { group: '', version: '' };
  if (!gv.version) errs.push(field.invalid(path.child('apiVersion'), ref.apiVersion, 'version must not be empty'));
  if (!ref.kind) errs.push(field.invalid(path.child('kind'), ref.kind, 'kind must not be empty'));
  if (!ref.name) errs.push(field.invalid(path.child('name'), ref.name, 'name must not be empty'));
  if (!ref.uid) errs.push(field.invalid(path.child('uid'), ref.uid, 'uid must not be empty'));
  // Events may not own anything (kube's BannedOwners).
  if (gv.group === '' && gv.version === 'v1' && ref.kind === 'Event') {
    errs.push(field.invalid(path, ref, `${gv.group}/${gv.version}, Kind=${ref.kind} is disallowed from being an owner`));
  }
  return errs;
}

/** Each reference's shape (reported on the list's path, as kube 1.32 does), and at most one controller. */
export function validateOwnerReferences(refs: readonly OwnerReference[] | null | undefined, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller !== true) continue;
    const current = `${ref.kind}/${ref.name}`;
    if (firstController) {
      errs.push(
        field.invalid(
          path,
          refs,
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
        ),
      );
    } else firstController = current;
  }
  return errs;
}

export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
/** The namespace finalizer (core/v1 FinalizerKubernetes). */
export const FINALIZER_KUBERNETES = 'kubernetes';

const STANDARD_FINALIZERS = new Set([FINALIZER_KUBERNETES, FINALIZER_ORPHAN_DEPENDENTS, FINALIZER_DELETE_DEPENDENTS]);

export const isStandardFinalizerName = (name: string): boolean => STANDARD_FINALIZERS.has(name);

export function validateFinalizerName(name: string, path: FieldPath): field.FieldError[] {
  return isQualifiedName(name).map((msg) => field.invalid(path, name, msg));
}

/**
 * The stricter rule kube applies to a Namespace's spec.finalizers: a name
 * without a '/' must be one of the standard ones.
 */
export function validateKubeFinalizerName(name: string, path: FieldPath): field.FieldError[] {
  if (name.includes('/') || isStandardFinalizerName(name)) return [];
  return [field.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
}

/** Names are qualified names; orphan and foregroundDeletion exclude each other. */
export function validateFinalizers(finalizers: readonly string[] | null | undefined, path: FieldPath): field.FieldError[] {
  const list = finalizers ?? [];
  const errs = list.flatMap((f) => validateFinalizerName(f, path));
  if (list.includes(FINALIZER_ORPHAN_DEPENDENTS) && list.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(
      field.invalid(
        path,
        list,
        `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`,
      ),
    );
  }
  return errs;
}

/** Once an object is being deleted, finalizers may only be removed. */
export function validateNoNewFinalizers(
  next: readonly string[] | null | undefined,
  prev: readonly string[] | null | undefined,
  path: FieldPath,
): field.FieldError[] {
  const old = new Set(prev ?? []);
  const extra = [...new Set(next ?? [])].filter((f) => !old.has(f)).sort();
  if (extra.length === 0) return [];
  return [
    field.forbidden(
      path,
      `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
    ),
  ];
}

export function validateNonnegativeField(value: number | null | undefined, path: FieldPath): field.FieldError[] {
  return typeof value === 'number' && value < 0 ? [field.invalid(path, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

export const FIELD_MANAGER_MAX_LENGTH = 128;
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** At most 128 bytes, every character printable; positions are byte offsets, as Go reports them. */
export function validateFieldManager(manager: string | null | undefined, path: FieldPath): field.FieldError[] {
  const m = manager ?? '';
  const errs: field.FieldError[] = [];
  if (byteLength(m) > FIELD_MANAGER_MAX_LENGTH) errs.push(field.tooLong(path, FIELD_MANAGER_MAX_LENGTH));
  let offset = 0;
  for (const ch of m) {
    if (!PRINTABLE.test(ch)) {
      const cp = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      errs.push(field.invalid(path, m, `invalid character U+${cp} (at position ${offset})`));
    }
    offset += byteLength(ch);
  }
  return errs;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string | null;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export function validateManagedFields(entries: readonly ManagedFieldsEntry[] | null | undefined, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  (entries ?? []).forEach((entry, i) => {
    const p = path.index(i);
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      errs.push(field.invalid(p.child('operation'), entry.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') {
      errs.push(field.invalid(p.child('fieldsType'), entry.fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(entry.manager, p.child('manager')));
    if (byteLength(entry.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(field.tooLong(p.child('subresource'), MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}
