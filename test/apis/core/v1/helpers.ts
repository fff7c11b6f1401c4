/** Runs a definition's strategy the way the Store does, without storage. */
import type { KubeObject } from '../../../../src/registry/object.js';
import type { ResourceDefinition } from '../../../../src/registry/resource-definition.js';
import type { FieldError } from '../../../../src/apimachinery/validation/field-error.js';

export function create<T extends KubeObject>(def: ResourceDefinition<T>, obj: T): { obj: T; errs: string[] } {
  const copy = structuredClone(obj);
  def.strategy.defaults?.(copy);
  if (def.status) delete copy.status;
  def.strategy.prepareForCreate?.(copy);
  const errs = (def.strategy.validate?.(copy) ?? []).map(String);
  return { obj: copy, errs };
}

export function update<T extends KubeObject>(def: ResourceDefinition<T>, obj: T, old: T): { obj: T; errs: string[] } {
  const copy = structuredClone(obj);
  if (def.status) (copy as KubeObject).status = structuredClone((old as KubeObject).status);
  def.strategy.defaults?.(copy);
  def.strategy.prepareForUpdate?.(copy, old);
  const errs = (def.strategy.validateUpdate?.(copy, old) ?? []).map(String);
  return { obj: copy, errs };
}

export const messages = (errs: FieldError[]): string[] => errs.map(String);

/** The cells after NAME, as the Store's table shows them. */
export function cells<T extends KubeObject>(def: ResourceDefinition<T>, obj: T, now: Date): unknown[] {
  return def.tableColumns.map((c) => c.cell(obj, now));
}

export const NOW = new Date('2025-01-01T12:00:00Z');
export const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
