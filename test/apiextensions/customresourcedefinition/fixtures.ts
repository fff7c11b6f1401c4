/** CRD fixtures for the validation tests: a realistic multi-version CRD and generated large/deep schemas. */
import { defaultCustomResourceDefinition } from '../../../src/apiextensions/customresourcedefinition/defaults.js';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../../src/apiextensions/customresourcedefinition/types.js';

/** A CronTab-like CRD as operators ship it: two versions with different schemas, status and scale, columns. */
export function cronTabCRD(): CustomResourceDefinition {
  const v1Schema = (): JSONSchemaProps => ({
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        required: ['cronSpec'],
        properties: {
          cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
          image: { type: 'string', description: 'the image to run' },
          replicas: { type: 'integer', format: 'int32', minimum: 0, maximum: 10, default: 1 },
          suspend: { type: 'boolean', default: false },
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
          mode: { type: 'string', enum: ['Fast', 'Slow'], default: 'Fast' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
          containers: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              required: ['name'],
              properties: { name: { type: 'string' }, args: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' } },
            },
          },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          // As controller-gen emits them: defaulted objects, keyed lists with a defaulted key, atomic maps.
          strategy: {
            type: 'object',
            default: {},
            properties: { type: { type: 'string', enum: ['Recreate', 'RollingUpdate'], default: 'RollingUpdate' }, maxSurge: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true, format: 'int-or-string' } },
          },
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
            items: {
              type: 'object',
              required: ['containerPort'],
              properties: { containerPort: { type: 'integer', format: 'int32' }, protocol: { type: 'string', default: 'TCP' } },
            },
          },
          selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } } },
        },
        'x-kubernetes-validations': [
          { rule: 'self.replicas <= 10', message: 'too many' },
          { rule: 'has(self.image)', messageExpression: "'image is required for ' + self.cronSpec", reason: 'FieldValueRequired', fieldPath: '.image' },
        ],
      },
      status: {
        type: 'object',
        properties: { replicas: { type: 'integer' }, labelSelector: { type: 'string' }, lastScheduleTime: { type: 'string', format: 'date-time' } },
      },
    },
  });
  const v1beta1Schema = v1Schema();
  v1beta1Schema.properties!.spec.properties!.legacy = { type: 'string' };
  return defaultCustomResourceDefinition({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: v1Schema() },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' } },
          additionalPrinterColumns: [
            { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 1 },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          selectableFields: [{ jsonPath: '.spec.image' }],
        },
        {
          name: 'v1beta1',
          served: true,
          storage: false,
          deprecated: true,
          deprecationWarning: 'stable.example.com/v1beta1 CronTab is deprecated; use v1',
          schema: { openAPIV3Schema: v1beta1Schema },
          subresources: { status: {} },
        },
      ],
      conversion: {
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1', 'v1beta1'],
          clientConfig: { service: { namespace: 'default', name: 'crontab-conversion', path: '/convert' } },
        },
      },
    },
  });
}

/** A one-version CRD with the given root schema (errors then read spec.validation.openAPIV3Schema, as kube's). */
export function simpleCRD(schema: JSONSchemaProps, mutate?: (crd: CustomResourceDefinition) => void): CustomResourceDefinition {
  const crd = defaultCustomResourceDefinition({
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  });
  mutate?.(crd);
  return crd;
}

export const objectWithSpec = (spec: JSONSchemaProps, extra: Record<string, JSONSchemaProps> = {}): JSONSchemaProps => ({
  type: 'object',
  properties: { spec, ...extra },
});

/** `count` string/integer properties spread over objects of 100 fields, as large operator CRDs have. */
export function wideSchema(count: number): JSONSchemaProps {
  const groups: Record<string, JSONSchemaProps> = {};
  for (let g = 0; g * 100 < count; g++) {
    const props: Record<string, JSONSchemaProps> = {};
    for (let i = g * 100; i < Math.min(count, (g + 1) * 100); i++) {
      props[`field${i}`] = i % 2 === 0 ? { type: 'string', description: `field ${i}`, maxLength: 64 } : { type: 'integer', minimum: 0, default: 1 };
    }
    groups[`group${g}`] = { type: 'object', properties: props };
  }
  return objectWithSpec({ type: 'object', properties: groups });
}

/** A chain of objects `depth` levels deep under spec. */
export function deepSchema(depth: number): JSONSchemaProps {
  let node: JSONSchemaProps = { type: 'string' };
  for (let i = 0; i < depth; i++) node = { type: 'object', properties: { a: node } };
  return objectWithSpec(node);
}
