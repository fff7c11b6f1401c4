import { compileCustomResourceSchema, type CustomResourceSchema } from '../../../src/apiextensions/schema/index.js';

/** A Widget CRD version's schema with one field per feature under test. */
export const WIDGET_SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        replicas: { type: 'integer', minimum: 1, maximum: 10 },
        ratio: { type: 'number', exclusiveMinimum: true, minimum: 0, exclusiveMaximum: true, maximum: 1.5 },
        step: { type: 'integer', multipleOf: 5 },
        size: { type: 'string', enum: ['S', 'M'] },
        name: { type: 'string', pattern: '^[a-z]+$', minLength: 2, maxLength: 5 },
        port: { 'x-kubernetes-int-or-string': true },
        when: { type: 'string', format: 'date-time' },
        id: { type: 'string', format: 'uuid' },
        ip: { type: 'string', format: 'ipv4' },
        exotic: { type: 'string', format: 'no-such-format' },
        bad: { type: 'string', pattern: '(' },
        note: { type: 'string', nullable: true },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2, uniqueItems: true },
        set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 3 }, maxProperties: 2, minProperties: 1 },
        one: { type: 'string', oneOf: [{ minLength: 3 }, { maxLength: 1 }] },
        any: { type: 'integer', anyOf: [{ minimum: 10 }, { maximum: 0 }] },
        all: { type: 'integer', allOf: [{ minimum: 5 }, { maximum: 7 }] },
        not: { type: 'string', not: { enum: ['forbidden'] } },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } },
        },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
      },
    },
  },
};

export const widgetSchema = (schema: unknown = WIDGET_SCHEMA, namespaced = true): CustomResourceSchema =>
  compileCustomResourceSchema(schema, { group: 'example.com', version: 'v1', kind: 'Widget', namespaced });

export const widget = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'default', ...metadata },
  spec: { size: 'S', ...spec },
});
