import type { KindSchema, StructNode, TypeNode } from '../apimachinery/type-node.js';
import { schemaForDefinition } from '../endpoints/field-validation/schema.js';

/**
 * The Go type of apiextensions.k8s.io/v1 CustomResourceDefinition as a
 * TypeNode (the generated models have no apiextensions definitions): typed
 * decoding of a CRD body keeps what kube's decoder keeps (unknown fields
 * dropped, nulls read as Go reads them, inside schemas too), and field
 * validation reports unknown fields with kube's paths.
 */
const STRING: TypeNode = { kind: 'primitive', go: 'string' };
const BOOL: TypeNode = { kind: 'primitive', go: 'bool' };
const INT64: TypeNode = { kind: 'primitive', go: 'int64' };
const FLOAT: TypeNode = { kind: 'primitive', go: 'float64' };
const INT32: TypeNode = { kind: 'primitive', go: 'int32' };
/** apiextensions' JSON type: any JSON value, decoded by itself. */
const JSON_VALUE: TypeNode = { kind: 'custom', custom: 'raw' };
/** JSONSchemaPropsOrArray, OrBool, OrStringArray: a schema or another shape, decoded by itself. */
const EITHER: TypeNode = { kind: 'any' };
const strings: TypeNode = { kind: 'array', items: STRING };

const PKG = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

function struct(name: string, fields: () => Record<string, TypeNode>): StructNode {
  let table: Record<string, TypeNode> | undefined;
  return {
    kind: 'struct',
    definition: `${PKG}.${name}`,
    goName: name,
    goType: `v1.${name}`,
    field: (f) => {
      table ??= fields();
      return Object.hasOwn(table, f) ? table[f] : undefined;
    },
  };
}

const jsonSchemaProps: StructNode = struct('JSONSchemaProps', () => ({
  id: STRING,
  $schema: STRING,
  $ref: STRING,
  description: STRING,
  type: STRING,
  format: STRING,
  title: STRING,
  default: JSON_VALUE,
  maximum: FLOAT,
  exclusiveMaximum: BOOL,
  minimum: FLOAT,
  exclusiveMinimum: BOOL,
  maxLength: INT64,
  minLength: INT64,
  pattern: STRING,
  maxItems: INT64,
  minItems: INT64,
  uniqueItems: BOOL,
  multipleOf: FLOAT,
  enum: { kind: 'array', items: JSON_VALUE },
  maxProperties: INT64,
  minProperties: INT64,
  required: strings,
  items: EITHER,
  allOf: { kind: 'array', items: jsonSchemaProps },
  oneOf: { kind: 'array', items: jsonSchemaProps },
  anyOf: { kind: 'array', items: jsonSchemaProps },
  not: jsonSchemaProps,
  properties: { kind: 'map', values: jsonSchemaProps },
  additionalProperties: EITHER,
  patternProperties: { kind: 'map', values: jsonSchemaProps },
  dependencies: { kind: 'map', values: EITHER },
  additionalItems: EITHER,
  definitions: { kind: 'map', values: jsonSchemaProps },
  externalDocs: struct('ExternalDocumentation', () => ({ description: STRING, url: STRING })),
  example: JSON_VALUE,
  nullable: BOOL,
  'x-kubernetes-preserve-unknown-fields': BOOL,
  'x-kubernetes-embedded-resource': BOOL,
  'x-kubernetes-int-or-string': BOOL,
  'x-kubernetes-list-map-keys': strings,
  'x-kubernetes-list-type': STRING,
  'x-kubernetes-map-type': STRING,
  'x-kubernetes-validations': {
    kind: 'array',
    items: struct('ValidationRule', () => ({ rule: STRING, message: STRING, messageExpression: STRING, reason: STRING, fieldPath: STRING, optionalOldSelf: BOOL })),
  },
}));

const serviceReference = struct('ServiceReference', () => ({ namespace: STRING, name: STRING, path: STRING, port: INT32 }));
const webhookClientConfig = struct('WebhookClientConfig', () => ({ url: STRING, service: serviceReference, caBundle: { kind: 'primitive', go: '[]uint8' } }));

const names = struct('CustomResourceDefinitionNames', () => ({ plural: STRING, singular: STRING, shortNames: strings, kind: STRING, listKind: STRING, categories: strings }));

const version = struct('CustomResourceDefinitionVersion', () => ({
  name: STRING,
  served: BOOL,
  storage: BOOL,
  deprecated: BOOL,
  deprecationWarning: STRING,
  schema: struct('CustomResourceValidation', () => ({ openAPIV3Schema: jsonSchemaProps })),
  subresources: struct('CustomResourceSubresources', () => ({
    status: struct('CustomResourceSubresourceStatus', () => ({})),
    scale: struct('CustomResourceSubresourceScale', () => ({ specReplicasPath: STRING, statusReplicasPath: STRING, labelSelectorPath: STRING })),
  })),
  additionalPrinterColumns: {
    kind: 'array',
    items: struct('CustomResourceColumnDefinition', () => ({ name: STRING, type: STRING, format: STRING, description: STRING, priority: INT32, jsonPath: STRING })),
  },
  selectableFields: { kind: 'array', items: struct('SelectableField', () => ({ jsonPath: STRING })) },
}));

const condition = struct('CustomResourceDefinitionCondition', () => ({
  type: STRING,
  status: STRING,
  lastTransitionTime: { kind: 'custom', custom: 'time' },
  reason: STRING,
  message: STRING,
  observedGeneration: INT64,
}));

export const customResourceDefinitionSchema: KindSchema = struct('CustomResourceDefinition', () => ({
  apiVersion: STRING,
  kind: STRING,
  metadata: schemaForDefinition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
  spec: struct('CustomResourceDefinitionSpec', () => ({
    group: STRING,
    names,
    scope: STRING,
    versions: { kind: 'array', items: version },
    conversion: struct('CustomResourceConversion', () => ({
      strategy: STRING,
      webhook: struct('WebhookConversion', () => ({ clientConfig: webhookClientConfig, conversionReviewVersions: strings })),
    })),
    preserveUnknownFields: BOOL,
  })),
  status: struct('CustomResourceDefinitionStatus', () => ({
    conditions: { kind: 'array', items: condition },
    acceptedNames: names,
    storedVersions: strings,
  })),
}));
