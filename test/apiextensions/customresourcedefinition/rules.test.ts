/**
 * One invalid CRD per rule, with kube's field path and (where we match it)
 * kube's message. Single-version CRDs report schema, subresource and column
 * errors under spec.validation / spec.subresources / spec.additionalPrinterColumns,
 * as kube does after hoisting identical per-version values.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../../src/apiextensions/customresourcedefinition/types.js';
import { validateCustomResourceDefinition } from '../../../src/apiextensions/customresourcedefinition/validation.js';
import { cronTabCRD, objectWithSpec, simpleCRD } from './fixtures.js';

const S = 'spec.validation.openAPIV3Schema';
const SPEC = `${S}.properties[spec]`;
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const valid = (): CustomResourceDefinition => simpleCRD(objectWithSpec({ type: 'object', properties: { replicas: { type: 'integer' } } }));
const withCRD = (mutate: (crd: CustomResourceDefinition) => void): CustomResourceDefinition => {
  const crd = valid();
  mutate(crd);
  return crd;
};
const withSpecSchema = (spec: JSONSchemaProps, extra?: Record<string, JSONSchemaProps>): CustomResourceDefinition => simpleCRD(objectWithSpec(spec, extra));

interface Case {
  name: string;
  crd: CustomResourceDefinition;
  /** Every error, exactly (kube's text). */
  errors?: string[];
  /** Errors that must be among the result (when others follow from the same mistake). */
  includes?: string[];
  /** A prefix of the only error (messages that embed a parser's text). */
  startsWith?: string;
}

const cases: Case[] = [
  // metadata.name and names
  { name: 'name must be plural.group', crd: withCRD((c) => (c.metadata.name = 'widget.example.com')), errors: ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group'] },
  {
    name: 'a generated name never fits',
    crd: withCRD((c) => (c.metadata.generateName = 'widgets-')),
    errors: ['metadata.generateName: Invalid value: "widgets-": must be spec.names.plural+"."+spec.group'],
  },
  { name: 'group needs a dot', crd: withCRD((c) => { c.spec.group = 'example'; c.metadata.name = 'widgets.example'; }), errors: ['spec.group: Invalid value: "example": should be a domain with at least one dot'] },
  { name: 'group required', crd: withCRD((c) => { c.spec.group = ''; c.metadata.name = 'widgets.'; }), errors: ['spec.group: Required value'] },
  {
    name: 'group is a DNS subdomain',
    crd: withCRD((c) => { c.spec.group = 'Example.com'; c.metadata.name = 'widgets.Example.com'; }),
    errors: ["spec.group: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
  },
  { name: 'plural is DNS-1035', crd: withCRD((c) => { c.spec.names.plural = 'Widgets'; c.metadata.name = 'Widgets.example.com'; }), errors: [`spec.names.plural: Invalid value: "Widgets": ${DNS1035}`] },
  { name: 'singular is DNS-1035', crd: withCRD((c) => (c.spec.names.singular = '1widget')), errors: [`spec.names.singular: Invalid value: "1widget": ${DNS1035}`] },
  { name: 'kind may have mixed case only', crd: withCRD((c) => { c.spec.names.kind = 'Wid_get'; c.spec.names.listKind = 'WidgetList'; }), errors: [`spec.names.kind: Invalid value: "Wid_get": may have mixed case, but should otherwise match: ${DNS1035}`] },
  { name: 'kind and listKind differ', crd: withCRD((c) => (c.spec.names.listKind = 'Widget')), errors: ['spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same'] },
  { name: 'kind required', crd: withCRD((c) => { c.spec.names.kind = ''; }), errors: ['spec.names.kind: Required value'] },
  { name: 'shortNames are DNS-1035', crd: withCRD((c) => (c.spec.names.shortNames = ['wg', 'W G'])), errors: [`spec.names.shortNames[1]: Invalid value: "W G": ${DNS1035}`] },
  { name: 'categories are DNS-1035', crd: withCRD((c) => (c.spec.names.categories = ['All'])), errors: [`spec.names.categories[0]: Invalid value: "All": ${DNS1035}`] },
  { name: 'acceptedNames use the same rules', crd: withCRD((c) => (c.status = { ...c.status, acceptedNames: { plural: 'Bad', kind: '' } })), errors: [`status.acceptedNames.plural: Invalid value: "Bad": ${DNS1035}`] },
  // scope and versions
  { name: 'scope required', crd: withCRD((c) => (c.spec.scope = '')), errors: ['spec.scope: Required value'] },
  { name: 'scope is Cluster or Namespaced', crd: withCRD((c) => (c.spec.scope = 'Global')), errors: ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'] },
  { name: 'versions must not be empty', crd: withCRD((c) => { c.spec.versions = []; c.status = { storedVersions: ['v1'] }; }), includes: ['spec.versions: Invalid value: must have exactly one version marked as storage version'] },
  {
    name: 'exactly one storage version',
    crd: withCRD((c) => c.spec.versions.push({ ...c.spec.versions[0], name: 'v2' })),
    errors: [
      'spec.versions: Invalid value: must have exactly one version marked as storage version',
      'status.storedVersions: Invalid value: []string{"v1"}: must have the storage version v2',
    ],
  },
  {
    name: 'unique version names',
    crd: withCRD((c) => c.spec.versions.push({ ...c.spec.versions[0], storage: false })),
    errors: ['spec.versions: Invalid value: must contain unique version names'],
  },
  { name: 'version names are DNS-1035', crd: withCRD((c) => { c.spec.versions[0].name = 'V1'; c.status = { storedVersions: ['V1'] }; }), errors: [`spec.versions[0].name: Invalid value: "V1": ${DNS1035}`] },
  { name: 'a schema is required', crd: withCRD((c) => delete c.spec.versions[0].schema), errors: ['spec.versions[0].schema.openAPIV3Schema: Required value'] },
  { name: 'deprecationWarning only when deprecated', crd: withCRD((c) => (c.spec.versions[0].deprecationWarning = 'old')), errors: ['spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions'] },
  {
    name: 'deprecationWarning is printable',
    crd: withCRD((c) => Object.assign(c.spec.versions[0], { deprecated: true, deprecationWarning: 'a\tb' })),
    errors: ['spec.versions[0].deprecationWarning: Invalid value: "a\\tb": must only contain printable UTF-8 characters; control character found at index 1'],
  },
  {
    name: 'stored versions stay in spec.versions',
    crd: withCRD((c) => (c.status = { storedVersions: ['v0'] })),
    errors: [
      'status.storedVersions: Invalid value: []string{"v0"}: must have the storage version v1',
      'status.storedVersions[0]: Invalid value: "v0": missing from spec.versions; v0 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v0 and removes v0 from status.storedVersions',
    ],
  },
  { name: 'preserveUnknownFields cannot be true', crd: withCRD((c) => (c.spec.preserveUnknownFields = true)), errors: ['spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'] },
  // structural schema
  { name: 'types everywhere: object fields', crd: withSpecSchema({ type: 'object', properties: { x: {} } }), errors: [`${SPEC}.properties[x].type: Required value: must not be empty for specified object fields`] },
  { name: 'types everywhere: root', crd: simpleCRD({ properties: { spec: { type: 'object' } } }), errors: [`${S}.type: Required value: must not be empty at the root`] },
  { name: 'types everywhere: array items', crd: withSpecSchema({ type: 'array', items: { properties: { a: { type: 'string' } } } }), errors: [`${SPEC}.items.type: Required value: must not be empty for specified array items`] },
  { name: 'arrays need items', crd: withSpecSchema({ type: 'array' }), errors: [`${SPEC}.items: Required value: must be specified`] },
  { name: 'root must be an object', crd: simpleCRD({ type: 'array', items: { type: 'string' } }), errors: [`${S}.type: Invalid value: "array": must be object at the root`] },
  { name: 'int-or-string needs no type', crd: withSpecSchema({ 'x-kubernetes-int-or-string': true }), errors: [] },
  { name: 'preserve-unknown-fields needs no type', crd: withSpecSchema({ 'x-kubernetes-preserve-unknown-fields': true }), errors: [] },
  { name: 'no $ref', crd: withSpecSchema({ type: 'object', $ref: '#/definitions/x' }), errors: [`${SPEC}.$ref: Forbidden: $ref is not supported`] },
  { name: 'no additionalProperties beside properties', crd: withSpecSchema({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }), errors: [`${SPEC}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`] },
  { name: 'additionalProperties: true beside properties is fine', crd: withSpecSchema({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true }), errors: [] },
  { name: 'no additionalProperties at the root', crd: simpleCRD({ type: 'object', additionalProperties: { type: 'string' } }), errors: [`${S}.additionalProperties: Forbidden: must not be used at the root`] },
  {
    name: 'metadata may only constrain name and generateName',
    crd: withSpecSchema({ type: 'object' }, { metadata: { type: 'object', properties: { labels: { type: 'object' } } } }),
    errors: [`${S}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  },
  { name: 'metadata name constraints are fine', crd: withSpecSchema({ type: 'object' }, { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } } }), errors: [] },
  { name: 'metadata must be an object', crd: withSpecSchema({ type: 'object' }, { metadata: { type: 'string' } }), errors: [`${S}.properties[metadata].type: Invalid value: "string": must be object`] },
  { name: 'kind must be a string', crd: withSpecSchema({ type: 'object' }, { kind: { type: 'integer' } }), errors: [`${S}.properties[kind].type: Invalid value: "integer": must be string`] },
  { name: 'metadata only at the root or an embedded resource', crd: withSpecSchema({ type: 'object', anyOf: [{ properties: { metadata: {} } }] }), includes: [`${SPEC}.anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`] },
  { name: 'embedded resources are objects', crd: withSpecSchema({ type: 'string', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true }), errors: [`${SPEC}.type: Invalid value: "string": must be object if x-kubernetes-embedded-resource is true`] },
  { name: 'embedded resources need properties or preserve-unknown-fields', crd: withSpecSchema({ type: 'object', 'x-kubernetes-embedded-resource': true }), errors: [`${SPEC}.properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`] },
  { name: 'no embedded resource inside metadata', crd: withSpecSchema({ type: 'object', 'x-kubernetes-embedded-resource': true, properties: { metadata: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } } }), errors: [`${SPEC}.properties[metadata].x-kubernetes-embedded-resource: Forbidden: must not be used inside of resource meta`] },
  { name: 'int-or-string excludes preserve-unknown-fields', crd: withSpecSchema({ 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true }), errors: [`${SPEC}.x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`] },
  { name: 'preserve-unknown-fields is true or unset', crd: withSpecSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': false }), errors: [`${SPEC}.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`] },
  { name: 'junctors carry no types', crd: withSpecSchema({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ type: 'object' }] }), errors: [`${SPEC}.anyOf[0].type: Forbidden: must be empty to be structural`] },
  { name: 'junctors carry no defaults', crd: withSpecSchema({ type: 'object', allOf: [{ default: {} }] }), errors: [`${SPEC}.allOf[0].default: Forbidden: must be undefined to be structural`] },
  { name: 'junctors need the structural fields', crd: simpleCRD({ type: 'object', properties: { spec: { type: 'object' } }, anyOf: [{ properties: { foo: {} } }] }), errors: [`${S}.properties[foo]: Required value: because it is defined in ${S}.anyOf[0].properties[foo]`] },
  { name: 'types are OpenAPI v3 types', crd: withSpecSchema({ type: 'strin' }), errors: [`${SPEC}.type: Unsupported value: "strin": supported values: "array", "boolean", "integer", "number", "object", "string"`] },
  { name: 'type null is refused', crd: withSpecSchema({ type: 'null' }), includes: [`${SPEC}.type: Forbidden: type cannot be set to null, use nullable as an alternative`] },
  { name: 'uniqueItems is refused', crd: withSpecSchema({ type: 'array', items: { type: 'string' }, uniqueItems: true }), errors: [`${SPEC}.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`] },
  { name: 'nullable is refused at the root', crd: simpleCRD({ type: 'object', nullable: true }), errors: [`${S}.nullable: Forbidden: nullable cannot be true at the root`] },
  { name: 'patterns must compile', crd: withSpecSchema({ type: 'string', pattern: '(ab' }), startsWith: `${SPEC}.pattern: Invalid value: "(ab": must be a valid regular expression, but isn't: error parsing regexp: ` },
  { name: 'RE2 refuses lookahead', crd: withSpecSchema({ type: 'string', pattern: 'a(?=b)' }), errors: [`${SPEC}.pattern: Invalid value: "a(?=b)": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``] },
  { name: 'Go flags are fine', crd: withSpecSchema({ type: 'string', pattern: '(?i)^[a-z]+\\z' }), errors: [] },
  { name: 'Go flag groups anywhere (as operators ship them)', crd: withSpecSchema({ type: 'string', pattern: '^((?i)sun|mon)day(?:(:(sun|mon)day$)|$)' }), errors: [] },
  { name: 'a default matches a case-insensitive pattern', crd: withSpecSchema({ type: 'object', properties: { s: { type: 'string', pattern: '^(?i)(abort|warn)?$', default: 'Abort' } } }), errors: [] },
  { name: 'items must be one schema', crd: withSpecSchema({ type: 'array', items: [{ type: 'string' }] }), includes: [`${SPEC}.items: Forbidden: items must be a schema object and not an array`] },
  // list and map types
  { name: 'list-type needs an array', crd: withSpecSchema({ type: 'object', 'x-kubernetes-list-type': 'set' }), errors: [`${SPEC}.type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`] },
  { name: 'list-type values', crd: withSpecSchema({ type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' }), errors: [`${SPEC}.x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`] },
  { name: 'map-type needs an object', crd: withSpecSchema({ type: 'string', 'x-kubernetes-map-type': 'atomic' }), errors: [`${SPEC}.type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`] },
  { name: 'list map needs keys', crd: withSpecSchema({ type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { name: { type: 'string' } } } }), errors: [`${SPEC}.x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`] },
  {
    name: 'list map keys are required or defaulted',
    crd: withSpecSchema({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } }),
    errors: [`${SPEC}.items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`],
  },
  {
    name: 'list map keys are scalars',
    crd: withSpecSchema({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: { type: 'object', required: ['k'], properties: { k: { type: 'object' } } } }),
    errors: [`${SPEC}.items.properties[k].type: Invalid value: "object": must be a scalar type if parent array's x-kubernetes-list-type is map`],
  },
  {
    name: 'list map keys name item properties',
    crd: withSpecSchema({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object', properties: { name: { type: 'string' } } } }),
    errors: [`${SPEC}.x-kubernetes-list-map-keys: Invalid value: []string{"id"}: entries must all be names of item properties`],
  },
  { name: 'list-map-keys need list-type map', crd: withSpecSchema({ type: 'array', 'x-kubernetes-list-map-keys': ['a'], items: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } } }), errors: [`${SPEC}.x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`] },
  { name: 'set items are atomic', crd: withSpecSchema({ type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: { a: { type: 'string' } } } }), errors: [`${SPEC}.items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`] },
  { name: 'set items are not nullable', crd: withSpecSchema({ type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string', nullable: true } }), errors: [`${SPEC}.items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is set`] },
  // defaults
  { name: 'defaults validate against their schema', crd: withSpecSchema({ type: 'object', properties: { replicas: { type: 'integer', default: 'x' } } }), errors: [`${SPEC}.properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string"`] },
  { name: 'defaults respect bounds', crd: withSpecSchema({ type: 'object', properties: { replicas: { type: 'integer', maximum: 3, default: 5 } } }), errors: [`${SPEC}.properties[replicas].default: Invalid value: 5:  in body should be less than or equal to 3`] },
  {
    name: 'defaults inside lists name the item as kube-openapi does',
    crd: withSpecSchema({ type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } }, default: [{ n: 'x' }] }),
    errors: [`${SPEC}.default.[0].n: Invalid value: "string": [0].n in body must be of type integer: "string"`],
  },
  { name: 'int-or-string defaults', crd: withSpecSchema({ type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true, default: 1.5 } } }), errors: [`${SPEC}.properties[p].default: Invalid value: "number":  in body must be of type integer,string: "number"`] },
  { name: 'defaults respect enums', crd: withSpecSchema({ type: 'object', properties: { mode: { type: 'string', enum: ['a', 'b'], default: 'c' } } }), errors: [`${SPEC}.properties[mode].default: Unsupported value: "c": supported values: "a", "b"`] },
  { name: 'object defaults check required fields', crd: withSpecSchema({ type: 'object', required: ['a'], properties: { a: { type: 'string' } }, default: {} }), errors: [`${SPEC}.default.a: Required value`] },
  { name: 'defaults have no unknown fields', crd: withSpecSchema({ type: 'object', properties: { a: { type: 'string' } }, default: { b: 'x' } }), errors: [`${SPEC}.default: Invalid value: {"b":"x"}: must not have unknown fields`] },
  { name: 'no defaults in top-level metadata', crd: withSpecSchema({ type: 'object' }, { metadata: { type: 'object', properties: { name: { type: 'string', default: 'x' } } } }), errors: [`${S}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`] },
  { name: 'no defaults in top-level apiVersion', crd: withSpecSchema({ type: 'object' }, { apiVersion: { type: 'string', default: 'v1' } }), errors: [`${S}.properties[apiVersion].default: Forbidden: must not be set in top-level apiVersion`] },
  { name: 'nullable defaults may be null', crd: withSpecSchema({ type: 'object', properties: { a: { type: 'string', nullable: true, default: 'x' } } }), errors: [] },
  // x-kubernetes-validations (static checks)
  { name: 'rules are not empty', crd: withSpecSchema({ type: 'object', 'x-kubernetes-validations': [{ rule: ' ' }] }), errors: [`${SPEC}.x-kubernetes-validations[0].rule: Required value: rule is not specified`] },
  { name: 'rule reasons', crd: withSpecSchema({ type: 'object', 'x-kubernetes-validations': [{ rule: 'true', reason: 'Nope' }] }), errors: [`${SPEC}.x-kubernetes-validations[0].reason: Unsupported value: "Nope": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`] },
  { name: 'rule fieldPaths resolve', crd: withSpecSchema({ type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'true', fieldPath: '.b' }] }), errors: [`${SPEC}.x-kubernetes-validations[0].fieldPath: Invalid value: ".b": must be a valid path`] },
  // status subresource
  {
    name: 'with /status the root holds only what survives extraction',
    crd: simpleCRD({ type: 'object', minProperties: 1, properties: { spec: { type: 'object' } } }, (c) => (c.spec.versions[0].subresources = { status: {} })),
    errors: [`${S}: Invalid value: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled`],
  },
  // scale subresource
  { name: 'scale needs specReplicasPath', crd: withCRD((c) => (c.spec.versions[0].subresources = { scale: { specReplicasPath: '', statusReplicasPath: '.status.replicas' } })), errors: ['spec.subresources.scale.specReplicasPath: Required value'] },
  { name: 'scale paths start with a dot', crd: withCRD((c) => (c.spec.versions[0].subresources = { scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: '.status.replicas' } })), errors: ['spec.subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .'] },
  { name: 'specReplicasPath is under .spec', crd: withCRD((c) => (c.spec.versions[0].subresources = { scale: { specReplicasPath: '.status.x', statusReplicasPath: '.status.replicas' } })), errors: ['spec.subresources.scale.specReplicasPath: Invalid value: ".status.x": should be a json path under .spec'] },
  { name: 'statusReplicasPath is under .status', crd: withCRD((c) => (c.spec.versions[0].subresources = { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.spec.x' } })), errors: ['spec.subresources.scale.statusReplicasPath: Invalid value: ".spec.x": should be a json path under .status'] },
  {
    name: 'labelSelectorPath is under .spec or .status',
    crd: withCRD((c) => (c.spec.versions[0].subresources = { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.metadata.labels' } })),
    errors: ['spec.subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status'],
  },
  // printer columns
  { name: 'column types', crd: withCRD((c) => (c.spec.versions[0].additionalPrinterColumns = [{ name: 'A', type: 'float', jsonPath: '.spec.a' }])), errors: ['spec.additionalPrinterColumns[0].type: Invalid value: "float": must be one of boolean,date,integer,number,string'] },
  { name: 'column formats', crd: withCRD((c) => (c.spec.versions[0].additionalPrinterColumns = [{ name: 'A', type: 'string', format: 'uuid', jsonPath: '.spec.a' }])), errors: ['spec.additionalPrinterColumns[0].format: Invalid value: "uuid": must be one of byte,date,date-time,double,float,int32,int64,password'] },
  { name: 'column name and jsonPath required', crd: withCRD((c) => (c.spec.versions[0].additionalPrinterColumns = [{ name: '', type: 'string', jsonPath: '' }])), errors: ['spec.additionalPrinterColumns[0].name: Required value', 'spec.additionalPrinterColumns[0].JSONPath: Required value'] },
  { name: 'column jsonPath starts with a dot', crd: withCRD((c) => (c.spec.versions[0].additionalPrinterColumns = [{ name: 'A', type: 'string', jsonPath: 'spec.a' }])), errors: ['spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.a": must be a simple json path starting with .'] },
  // selectable fields
  { name: 'selectable fields resolve', crd: withCRD((c) => (c.spec.versions[0].selectableFields = [{ jsonPath: '.spec.nope' }])), errors: ['spec.selectableFields[0].jsonPath: Invalid value: ".spec.nope": is an invalid path: does not refer to a valid field'] },
  { name: 'selectable fields are scalars', crd: withCRD((c) => (c.spec.versions[0].selectableFields = [{ jsonPath: '.spec' }])), errors: ['spec.selectableFields[0].jsonPath: Invalid value: ".spec": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'] },
  // conversion
  {
    name: 'Webhook needs a client config and review versions',
    crd: withCRD((c) => (c.spec.conversion = { strategy: 'Webhook' })),
    errors: ['spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook', 'spec.conversion.conversionReviewVersions: Required value'],
  },
  { name: 'strategy is None or Webhook', crd: withCRD((c) => (c.spec.conversion = { strategy: 'Magic' })), errors: ['spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"'] },
  {
    name: 'exactly one of url or service',
    crd: withCRD((c) => (c.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: {} } })),
    errors: ['spec.conversion.webhookClientConfig: Required value: exactly one of url or service is required'],
  },
  {
    name: 'webhook urls are https',
    crd: withCRD((c) => (c.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: 'http://example.com/convert' } } })),
    errors: ['spec.conversion.webhookClientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]'],
  },
  {
    name: 'webhook service names and paths',
    crd: withCRD((c) => (c.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { namespace: 'ns', name: '', path: 'convert' } } } })),
    errors: ['spec.conversion.webhookClientConfig.service.name: Required value: service name is required', 'spec.conversion.webhookClientConfig.service.path: Invalid value: "convert": must start with a \'/\''],
  },
  {
    name: 'review versions include v1 or v1beta1',
    crd: withCRD((c) => (c.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v2'], clientConfig: { url: 'https://example.com' } } })),
    errors: ['spec.conversion.conversionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1'],
  },
  {
    name: 'None forbids a webhook',
    crd: withCRD((c) => (c.spec.conversion = { strategy: 'None', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: 'https://example.com' } } })),
    errors: ['spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook', 'spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook'],
  },
  // API approval
  {
    name: 'protected groups need the approval annotation',
    crd: withCRD((c) => { c.spec.group = 'widgets.k8s.io'; c.metadata.name = 'widgets.widgets.k8s.io'; }),
    errors: ['metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111'],
  },
  {
    name: 'the approval is a URL or "unapproved..."',
    crd: withCRD((c) => { c.spec.group = 'x.kubernetes.io'; c.metadata.name = 'widgets.x.kubernetes.io'; c.metadata.annotations = { 'api-approved.kubernetes.io': 'yes' }; }),
    errors: ['metadata.annotations[api-approved.kubernetes.io]: Invalid value: "yes": protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111'],
  },
  { name: 'an approval URL is accepted', crd: withCRD((c) => { c.spec.group = 'x.k8s.io'; c.metadata.name = 'widgets.x.k8s.io'; c.metadata.annotations = { 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/78458' }; }), errors: [] },
  { name: '"unapproved" bypasses', crd: withCRD((c) => { c.spec.group = 'x.k8s.io'; c.metadata.name = 'widgets.x.k8s.io'; c.metadata.annotations = { 'api-approved.kubernetes.io': 'unapproved, experimental' }; }), errors: [] },
  // per-version paths when versions differ
  {
    name: 'differing per-version schemas report per version',
    crd: (() => { const c = cronTabCRD(); c.spec.versions[1].schema!.openAPIV3Schema!.properties!.spec.properties!.legacy = {}; return c; })(),
    errors: ['spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[legacy].type: Required value: must not be empty for specified object fields'],
  },
  {
    name: 'differing per-version columns report per version',
    crd: (() => { const c = cronTabCRD(); c.spec.versions[0].additionalPrinterColumns![0].type = 'text'; return c; })(),
    errors: ['spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string'],
  },
];

describe('validateCustomResourceDefinition: one rule at a time', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = validateCustomResourceDefinition(c.crd).map(String);
      if (c.errors) assert.deepEqual(got, c.errors);
      for (const want of c.includes ?? []) assert.ok(got.includes(want), `missing ${want}\ngot:\n${got.join('\n')}`);
      if (c.startsWith) {
        assert.equal(got.length, 1, got.join('\n'));
        assert.ok(got[0].startsWith(c.startsWith), got[0]);
      }
    });
  }
});
