/** kube's ValidateCustomResourceColumnDefinition, ValidateCustomResourceDefinitionSubresources and validateSimpleJSONPath. */
import { type FieldError, invalid, required } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import type { CustomResourceColumnDefinition, CustomResourceSubresources } from './types.js';

export const PRINTER_COLUMN_TYPES: readonly string[] = ['boolean', 'date', 'integer', 'number', 'string'];
export const PRINTER_COLUMN_FORMATS: readonly string[] = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

/** A `.a.b` path: kube only checks the leading dot here; the table printer parses the rest. */
export function validateSimpleJSONPath(s: string, path: FieldPath): FieldError[] {
  if (s.length === 0) return [invalid(path, s, 'must not be empty')];
  if (s[0] !== '.') return [invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

export function validateCustomResourceColumnDefinition(column: CustomResourceColumnDefinition | null, path: FieldPath): FieldError[] {
  const col = column ?? ({} as CustomResourceColumnDefinition);
  const errs: FieldError[] = [];
  const name = typeof col.name === 'string' ? col.name : '';
  const type = typeof col.type === 'string' ? col.type : '';
  const format = typeof col.format === 'string' ? col.format : '';
  const jsonPath = typeof col.jsonPath === 'string' ? col.jsonPath : '';
  if (name.length === 0) errs.push(required(path.child('name'), ''));
  const types = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (type.length === 0) errs.push(required(path.child('type'), types));
  else if (!PRINTER_COLUMN_TYPES.includes(type)) errs.push(invalid(path.child('type'), type, types));
  if (format.length > 0 && !PRINTER_COLUMN_FORMATS.includes(format)) {
    errs.push(invalid(path.child('format'), format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  }
  // kube names the internal field, JSONPath, in this path.
  if (jsonPath.length === 0) errs.push(required(path.child('JSONPath'), ''));
  else errs.push(...validateSimpleJSONPath(jsonPath, path.child('JSONPath')));
  return errs;
}

export function validateCustomResourceDefinitionSubresources(sub: CustomResourceSubresources | undefined, path: FieldPath): FieldError[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const check = (name: string, value: string | undefined, prefixes: string[], where: string, isRequired: boolean): void => {
    const p = path.child(`scale.${name}`);
    if (!value) {
      if (isRequired) errs.push(required(p, ''));
      return;
    }
    const pathErrs = validateSimpleJSONPath(value, p);
    if (pathErrs.length > 0) errs.push(...pathErrs);
    else if (!prefixes.some((prefix) => value.startsWith(prefix))) errs.push(invalid(p, value, `should be a json path under ${where}`));
  };
  check('specReplicasPath', scale.specReplicasPath, ['.spec.'], '.spec', true);
  check('statusReplicasPath', scale.statusReplicasPath, ['.status.'], '.status', true);
  check('labelSelectorPath', scale.labelSelectorPath, ['.spec.', '.status.'], 'either .spec or .status', false);
  return errs;
}
