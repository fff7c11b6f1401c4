import type { FieldError } from '../apimachinery/validation/field-error.js';
import type { KubeObject } from './object.js';

/**
 * The per-kind behaviour the generic Store calls, in kube's fixed order
 * (rest.BeforeCreate / BeforeUpdate): defaults → prepare → validate → canonicalize.
 * Every method is synchronous and must not do I/O; `obj` may be mutated in place.
 */
export interface Strategy<T extends KubeObject = KubeObject> {
  /** Fills defaults, as kube's defaulting functions do (spec.type: ClusterIP...). Runs before prepare. */
  defaults?(obj: T): void;
  /** Clears what a user may not set on create (status, usually). */
  prepareForCreate?(obj: T): void;
  /** Carries over what a user may not change through this endpoint (the main endpoint keeps the old status). */
  prepareForUpdate?(obj: T, old: T): void;
  /** Kind-specific validation on create; metadata is validated by the Store with `nameValidator`. */
  validate?(obj: T): FieldError[];
  /** Kind-specific validation on update; immutable metadata is checked by the Store. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Normalizes after validation (sorting, trimming). */
  canonicalize?(obj: T): void;
  /** Non-fatal notes for the Warning header. */
  warningsOnCreate?(obj: T): string[];
  warningsOnUpdate?(obj: T, old: T): string[];
}

/** How a kind's metadata.generation moves: kube bumps it when the spec (anything but metadata and status) changes. */
export type GenerationPolicy = 'none' | 'spec';

/** One column of `kubectl get` (meta.k8s.io/v1 TableColumnDefinition plus the cell function). */
export interface TableColumn<T extends KubeObject = KubeObject> {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 is shown by default; 1 only with `-o wide`. */
  priority: number;
  cell(obj: T, now: Date): string | number | boolean | null;
}
