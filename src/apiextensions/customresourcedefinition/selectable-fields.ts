/** kube's ValidateCustomResourceSelectableFields: at most 8 unique, each a string/boolean/integer field outside metadata. */
import { type FieldError, duplicate, invalid, required, tooMany } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { resolveFieldPath } from './field-path.js';
import type { JSONSchemaProps, SelectableField } from './types.js';

export const MAX_SELECTABLE_FIELDS = 8;

export function validateSelectableFields(fields: readonly SelectableField[], schema: JSONSchemaProps, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Set<string>();
  fields.forEach((f, i) => {
    const p = path.index(i).child('jsonPath');
    const jsonPath = typeof f?.jsonPath === 'string' ? f.jsonPath : '';
    if (jsonPath.length === 0) {
      errs.push(required(p, ''));
      return;
    }
    const found = resolveFieldPath(jsonPath, schema, false);
    if (!found.ok) {
      errs.push(invalid(p, jsonPath, `is an invalid path: ${found.error}`));
      return;
    }
    if (found.segments[0] === 'metadata') errs.push(invalid(p, jsonPath, 'must not point to fields in metadata'));
    const type = found.schema?.type;
    if (type !== 'string' && type !== 'boolean' && type !== 'integer') {
      errs.push(invalid(p, jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    const key = found.segments.join('.');
    if (unique.has(key)) errs.push(duplicate(p, jsonPath));
    else unique.add(key);
  });
  if (unique.size > MAX_SELECTABLE_FIELDS) errs.push(tooMany(path, unique.size, MAX_SELECTABLE_FIELDS));
  return errs;
}
