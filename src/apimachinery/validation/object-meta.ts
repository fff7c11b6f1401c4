/**
 * kube's ValidateObjectMeta and ValidateObjectMetaUpdate (Kubernetes 1.32):
 * the metadata checks every resource's strategy runs on create and update.
 * Errors carry paths under `metadata` unless the caller gives another root.
 */
import * as field from './field-error.js';
import { FieldPath } from './path.js';
import { type NameValidator, validateNamespaceName } from './names.js';
import { validateLabels } from './labels.js';
import {
  FIELD_IMMUTABLE_ERROR_MSG,
  type ManagedFieldsEntry,
  type OwnerReference,
  validateAnnotations,
  validateFinalizers,
  validateManagedFields,
  validateNoNewFinalizers,
  validateNonnegativeField,
  validateOwnerReferences,
} from './metadata-fields.js';

/** The ObjectMeta fields validation reads; JSON nulls are accepted where clients send them. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  deletionGracePeriodSeconds?: number | null;
  labels?: Readonly<Record<string, string>> | null;
  annotations?: Readonly<Record<string, string>> | null;
  ownerReferences?: readonly OwnerReference[] | null;
  finalizers?: readonly string[] | null;
  managedFields?: readonly ManagedFieldsEntry[] | null;
}

export interface ObjectMetaValidationOptions {
  /** Namespaced kinds require a namespace; cluster-scoped ones forbid it. */
  namespaced: boolean;
  /** The kind's name rule, e.g. nameIsDNSSubdomain; called with prefix=true for generateName. */
  nameValidator: NameValidator;
  /** Root of the error paths; `metadata` by default. */
  path?: FieldPath;
}

const METADATA = FieldPath.of('metadata');

/** Checks metadata on create, after the name has been generated from generateName. */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaValidationOptions): field.FieldError[] {
  const path = opts.path ?? METADATA;
  const errs: field.FieldError[] = [];

  if (meta.generateName) {
    const generateName = meta.generateName;
    errs.push(...opts.nameValidator(generateName, true).map((msg) => field.invalid(path.child('generateName'), generateName, msg)));
  }
  if (!meta.name) {
    errs.push(field.required(path.child('name'), 'name or generateName is required'));
  } else {
    const name = meta.name;
    errs.push(...opts.nameValidator(name, false).map((msg) => field.invalid(path.child('name'), name, msg)));
  }

  if (opts.namespaced) {
    if (!meta.namespace) errs.push(field.required(path.child('namespace'), ''));
    else {
      const ns = meta.namespace;
      errs.push(...validateNamespaceName(ns, false).map((msg) => field.invalid(path.child('namespace'), ns, msg)));
    }
  } else if (meta.namespace) {
    errs.push(field.forbidden(path.child('namespace'), 'not allowed on this type'));
  }

  errs.push(...validateNonnegativeField(meta.generation, path.child('generation')));
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  errs.push(...validateManagedFields(meta.managedFields, path.child('managedFields')));
  return errs;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Go's time.Time String() in UTC, which is how kube prints a changed timestamp. */
function goTimeString(value: string | null | undefined): string {
  if (!value) return '0001-01-01 00:00:00 +0000 UTC';
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) return value;
  const ms = t.getUTCMilliseconds();
  const frac = ms ? `.${pad(ms, 3).replace(/0+$/, '')}` : '';
  return (
    `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ` +
    `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${frac} +0000 UTC`
  );
}

/** Timestamps are equal when they name the same instant (kube's semantic equality on metav1.Time). */
function sameTime(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a === b : ta === tb;
}

const immutable = (path: FieldPath, value: unknown): field.FieldError => field.invalid(path, value, FIELD_IMMUTABLE_ERROR_MSG);

/** Checks metadata on update against the stored object's. */
export function validateObjectMetaUpdate(next: ObjectMeta, prev: ObjectMeta, path: FieldPath = METADATA): field.FieldError[] {
  const errs: field.FieldError[] = [];

  if (prev.deletionTimestamp) {
    errs.push(...validateNoNewFinalizers(next.finalizers, prev.finalizers, path.child('finalizers')));
  }
  if (!next.resourceVersion) {
    errs.push(field.invalid(path.child('resourceVersion'), next.resourceVersion ?? '', 'must be specified for an update'));
  }
  if ((next.generation ?? 0) < (prev.generation ?? 0)) {
    errs.push(field.invalid(path.child('generation'), next.generation ?? 0, 'must not be decremented'));
  }

  if ((next.name ?? '') !== (prev.name ?? '')) errs.push(immutable(path.child('name'), next.name ?? ''));
  if ((next.namespace ?? '') !== (prev.namespace ?? '')) errs.push(immutable(path.child('namespace'), next.namespace ?? ''));
  if ((next.uid ?? '') !== (prev.uid ?? '')) errs.push(immutable(path.child('uid'), next.uid ?? ''));
  if (!sameTime(next.creationTimestamp, prev.creationTimestamp)) {
    errs.push(immutable(path.child('creationTimestamp'), new field.StringerValue(goTimeString(next.creationTimestamp))));
  }
  if (!sameTime(next.deletionTimestamp, prev.deletionTimestamp)) {
    const value = next.deletionTimestamp ? new field.StringerValue(goTimeString(next.deletionTimestamp)) : null;
    errs.push(immutable(path.child('deletionTimestamp'), value));
  }
  if ((next.deletionGracePeriodSeconds ?? null) !== (prev.deletionGracePeriodSeconds ?? null)) {
    errs.push(immutable(path.child('deletionGracePeriodSeconds'), next.deletionGracePeriodSeconds ?? null));
  }

  errs.push(...validateLabels(next.labels, path.child('labels')));
  errs.push(...validateAnnotations(next.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(next.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateManagedFields(next.managedFields, path.child('managedFields')));
  return errs;
}
