/**
 * kube's strategy WarningsOnCreate / WarningsOnUpdate for CRDs: formats the
 * schema runtime will ignore, and set lists of objects or arrays (which
 * server-side apply and CEL cannot handle). On update only new warnings are given.
 */
import { type InternalSpec, toInternalSpec } from './internal.js';
import { schemaHas, specSchemas } from './schema-has.js';
import type { CustomResourceDefinition, CustomResourceDefinitionSpec, JSONSchemaProps } from './types.js';
import { isPlainObject } from './schema-walk.js';

/** String formats kube 1.32 knows (go-openapi names, compared without dashes as kube does). */
const STRING_FORMATS = new Set([
  'bsonobjectid', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'uuid3', 'uuid4', 'uuid5',
  'isbn', 'isbn10', 'isbn13', 'creditcard', 'ssn', 'hexcolor', 'rgbcolor', 'byte', 'password', 'date', 'duration', 'datetime',
]);

/** kube's GetUnrecognizedFormats for one node. */
export function isUnrecognizedFormat(type: string, format: string): boolean {
  if (format.length === 0) return false;
  switch (type) {
    case '':
    case 'string':
      return !STRING_FORMATS.has(format.replaceAll('-', ''));
    case 'integer':
      return format !== 'int32' && format !== 'int64';
    case 'number':
      return format !== 'float' && format !== 'double';
    default:
      return true;
  }
}

function collect(spec: InternalSpec): string[] {
  const formats: string[] = [];
  const sets = new Set<string>();
  for (const root of specSchemas(spec)) {
    schemaHas(root, (s: JSONSchemaProps) => {
      const format = typeof s.format === 'string' ? s.format : '';
      if (isUnrecognizedFormat(typeof s.type === 'string' ? s.type : '', format)) formats.push(`unrecognized format "${format}"`);
      const itemType = isPlainObject(s.items) ? (s.items as JSONSchemaProps).type : undefined;
      if (s['x-kubernetes-list-type'] === 'set' && (itemType === 'object' || itemType === 'array')) {
        sets.add(`x-kubernetes-list-type: set for items of type "${itemType}" is not supported by server-side apply or CEL validation rules`);
      }
      return false;
    });
  }
  return [...formats, ...sets];
}

const specOf = (crd: CustomResourceDefinition): InternalSpec => toInternalSpec(crd.spec ?? ({} as CustomResourceDefinitionSpec));

export function warningsOnCreate(crd: CustomResourceDefinition): string[] {
  return collect(specOf(crd));
}

export function warningsOnUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): string[] {
  const before = new Set(collect(specOf(old)));
  return [...new Set(collect(specOf(crd)).filter((w) => !before.has(w)))];
}
