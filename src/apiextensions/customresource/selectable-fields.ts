/**
 * A CRD version's selectableFields as field-selector labels (kube's
 * customResourceStrategy.selectableFields): each listed jsonPath is a label
 * named by the path without its leading dot ("spec.color"), valued as Go's
 * fmt.Sprint prints the field (strings as they are, integers in decimal,
 * booleans true/false) and "" when the field is absent. metadata.name and
 * metadata.namespace come from the Store.
 */
import type { KubeObject } from '../../registry/object.js';
import { resolveFieldPath } from '../customresourcedefinition/field-path.js';
import { isPlainObject } from '../customresourcedefinition/schema-walk.js';
import type { JSONSchemaProps, SelectableField } from '../customresourcedefinition/types.js';

interface SelectableLabel {
  name: string;
  segments: string[];
}

/** The label name kube gives a selectable field: its jsonPath without the leading dot. */
export const selectableFieldName = (jsonPath: string): string => jsonPath.replace(/^\./, '');

/**
 * The label function for a version's selectable fields, or undefined when it
 * lists none. The CRD was validated, so each path resolves against `schema`;
 * a path that does not (never served) is split on dots, which is what a
 * validated path without array notation is.
 */
export function selectableFieldLabels(
  fields: readonly SelectableField[] | undefined,
  schema: JSONSchemaProps | undefined,
): ((obj: KubeObject) => Record<string, string>) | undefined {
  if (!fields?.length) return undefined;
  const labels: SelectableLabel[] = fields.map((f) => {
    const found = schema ? resolveFieldPath(f.jsonPath, schema, false) : undefined;
    const segments = found?.ok ? found.segments : selectableFieldName(f.jsonPath).split('.');
    return { name: selectableFieldName(f.jsonPath), segments };
  });
  return (obj) => {
    const out: Record<string, string> = {};
    for (const l of labels) out[l.name] = labelValue(valueAt(obj, l.segments));
    return out;
  };
}

function valueAt(obj: KubeObject, segments: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const s of segments) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, s)) return undefined;
    cur = cur[s];
  }
  return cur;
}

/** As fmt.Sprint: the schema allows only strings, integers and booleans here; anything else (or null) reads as absent. */
function labelValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}
