/**
 * JSON type checks for what a CRD's fields must hold. Kube's decoder refuses a
 * wrongly typed field before validation ever runs; our request decoding is
 * generic, so these checks stand in for it, and every validation rule after
 * them can trust the types. Schema nodes are checked one at a time by
 * schema-walk.ts (iteratively); this module only checks shallow shapes.
 */
import { type FieldError, invalid } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { isJSONObject as isObject } from '../../apimachinery/json.js';

export type Shape =
  | 'string'
  | 'boolean'
  | 'number'
  | 'integer'
  | 'any'
  | 'schema'
  | { array: Shape }
  | { object: Record<string, Shape> }
  | { map: Shape }
  | { either: [Shape, Shape] };


function describe(shape: Shape): string {
  if (typeof shape === 'string') {
    return { string: 'a string', boolean: 'a boolean', number: 'a number', integer: 'an integer', any: 'any value', schema: 'a JSON schema object' }[shape];
  }
  if ('array' in shape) return `an array of ${describe(shape.array).replace(/^an? /, '')}s`;
  if ('object' in shape) return 'an object';
  if ('map' in shape) return `a map of ${describe(shape.map).replace(/^an? /, '')}s`;
  return `${describe(shape.either[0])} or ${describe(shape.either[1])}`;
}

const typeName = (v: unknown): string => (Array.isArray(v) ? 'array' : typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v);

function matches(v: unknown, shape: Shape): boolean {
  if (typeof shape === 'string') {
    switch (shape) {
      case 'string':
        return typeof v === 'string';
      case 'boolean':
        return typeof v === 'boolean';
      case 'number':
        return typeof v === 'number' && Number.isFinite(v);
      case 'integer':
        return typeof v === 'number' && Number.isInteger(v);
      case 'schema':
        return isObject(v);
      default:
        return true;
    }
  }
  if ('array' in shape) return Array.isArray(v);
  if ('either' in shape) return matches(v, shape.either[0]) || matches(v, shape.either[1]);
  return isObject(v);
}

const isLeaf = (shape: Shape): boolean => typeof shape === 'string';

/**
 * Checks v against shape; null counts as absent (Go decodes it to the zero
 * value). Descends only as deep as the shape, never into schemas or `any`.
 * Paths are built only for errors: a 10,000-property schema is checked
 * without building 10,000 path strings.
 */
export function checkShape(v: unknown, shape: Shape, path: FieldPath, errs: FieldError[]): void {
  check(v, shape, () => path, errs);
}

function check(v: unknown, shape: Shape, path: () => FieldPath, errs: FieldError[]): void {
  if (v === undefined || v === null || shape === 'any') return;
  if (!matches(v, shape)) {
    errs.push(invalid(path(), typeName(v), `must be ${describe(shape)}`));
    return;
  }
  if (typeof shape === 'string') return;
  // A leaf that matches needs no path; only the rest is descended into.
  const needs = (x: unknown, s: Shape): boolean => x !== undefined && x !== null && (!isLeaf(s) || !matches(x, s));
  if ('array' in shape) {
    const items = v as unknown[];
    for (let i = 0; i < items.length; i++) if (needs(items[i], shape.array)) check(items[i], shape.array, () => path().index(i), errs);
  } else if ('map' in shape) {
    const m = v as Record<string, unknown>;
    for (const k of Object.keys(m)) if (needs(m[k], shape.map)) check(m[k], shape.map, () => path().key(k), errs);
  } else if ('object' in shape) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const s = Object.hasOwn(shape.object, k) ? shape.object[k] : undefined;
      if (s !== undefined && needs(o[k], s)) check(o[k], s, () => path().child(k), errs);
    }
  } else {
    // either: descend with whichever alternative matched.
    check(v, matches(v, shape.either[0]) ? shape.either[0] : shape.either[1], path, errs);
  }
}

const STRINGS = { array: 'string' } as const satisfies Shape;

/** The fields of one JSONSchemaProps node; subschemas are only checked to be objects here. */
export const SCHEMA_NODE: { object: Record<string, Shape> } = {
  object: {
    id: 'string', $schema: 'string', $ref: 'string', description: 'string', type: 'string', format: 'string',
    title: 'string', default: 'any', maximum: 'number', exclusiveMaximum: 'boolean', minimum: 'number',
    exclusiveMinimum: 'boolean', maxLength: 'integer', minLength: 'integer', pattern: 'string', maxItems: 'integer',
    minItems: 'integer', uniqueItems: 'boolean', multipleOf: 'number', enum: { array: 'any' }, maxProperties: 'integer',
    minProperties: 'integer', required: STRINGS, items: { either: ['schema', { array: 'schema' }] },
    allOf: { array: 'schema' }, oneOf: { array: 'schema' }, anyOf: { array: 'schema' }, not: 'schema',
    properties: { map: 'schema' }, additionalProperties: { either: ['schema', 'boolean'] },
    patternProperties: { map: 'schema' }, dependencies: { map: { either: ['schema', STRINGS] } },
    additionalItems: { either: ['schema', 'boolean'] }, definitions: { map: 'schema' },
    externalDocs: { object: { description: 'string', url: 'string' } }, example: 'any', nullable: 'boolean',
    'x-kubernetes-preserve-unknown-fields': 'boolean', 'x-kubernetes-embedded-resource': 'boolean',
    'x-kubernetes-int-or-string': 'boolean', 'x-kubernetes-list-map-keys': STRINGS, 'x-kubernetes-list-type': 'string',
    'x-kubernetes-map-type': 'string',
    'x-kubernetes-validations': {
      array: { object: { rule: 'string', message: 'string', messageExpression: 'string', reason: 'string', fieldPath: 'string', optionalOldSelf: 'boolean' } },
    },
  },
};

const NAMES: Shape = {
  object: { plural: 'string', singular: 'string', shortNames: STRINGS, kind: 'string', listKind: 'string', categories: STRINGS },
};
const CLIENT_CONFIG: Shape = {
  object: {
    url: 'string',
    caBundle: 'string',
    service: { object: { namespace: 'string', name: 'string', path: 'string', port: 'integer' } },
  },
};

/** Everything of a CRD but the schemas themselves (those are schema-walk.ts's). */
export const CRD_SHAPE: Shape = {
  object: {
    metadata: { object: { name: 'string', generateName: 'string', annotations: { map: 'string' }, labels: { map: 'string' } } },
    spec: {
      object: {
        group: 'string',
        names: NAMES,
        scope: 'string',
        preserveUnknownFields: 'boolean',
        conversion: { object: { strategy: 'string', webhook: { object: { clientConfig: CLIENT_CONFIG, conversionReviewVersions: STRINGS } } } },
        versions: {
          array: {
            object: {
              name: 'string', served: 'boolean', storage: 'boolean', deprecated: 'boolean', deprecationWarning: 'string',
              schema: { object: { openAPIV3Schema: 'schema' } },
              subresources: {
                object: {
                  status: { object: {} },
                  scale: { object: { specReplicasPath: 'string', statusReplicasPath: 'string', labelSelectorPath: 'string' } },
                },
              },
              additionalPrinterColumns: {
                array: { object: { name: 'string', type: 'string', format: 'string', description: 'string', priority: 'integer', jsonPath: 'string' } },
              },
              selectableFields: { array: { object: { jsonPath: 'string' } } },
            },
          },
        },
      },
    },
    status: {
      object: {
        acceptedNames: NAMES,
        storedVersions: STRINGS,
        conditions: { array: { object: { type: 'string', status: 'string', reason: 'string', message: 'string' } } },
      },
    },
  },
};
