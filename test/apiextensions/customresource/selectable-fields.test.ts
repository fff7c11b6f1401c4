import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileVersionSchema } from '../../../src/apiextensions/customresource/compile-schema.js';
import { customResourceDefinitionFor } from '../../../src/apiextensions/customresource/definition.js';
import { openAPIModelsFor } from '../../../src/apiextensions/customresource/openapi-models.js';
import { selectableFieldLabels } from '../../../src/apiextensions/customresource/selectable-fields.js';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../../src/apiextensions/customresourcedefinition/types.js';
import { parseFieldSelector } from '../../../src/apimachinery/fields.js';

const SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: { color: { type: 'string' }, quantity: { type: 'integer' }, branded: { type: 'boolean' } },
    },
  },
};
const FIELDS = [{ jsonPath: '.spec.color' }, { jsonPath: '.spec.quantity' }, { jsonPath: '.spec.branded' }];

function crd(extra: Partial<CustomResourceDefinition['spec']> = {}): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'shirts.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'shirts', singular: 'shirt', kind: 'Shirt', listKind: 'ShirtList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: SCHEMA }, selectableFields: FIELDS }],
      ...extra,
    },
  };
}

describe('selectable fields as field labels (kube customResourceStrategy.selectableFields)', () => {
  const labels = selectableFieldLabels(FIELDS, SCHEMA)!;

  it('names each label by its path without the leading dot, valued as fmt.Sprint prints it', () => {
    const shirt = { apiVersion: 'example.com/v1', kind: 'Shirt', metadata: { name: 'a' }, spec: { color: 'red', quantity: 12, branded: false } };
    assert.deepEqual(labels(shirt), { 'spec.color': 'red', 'spec.quantity': '12', 'spec.branded': 'false' });
  });

  it('reads an absent or null field as the empty string', () => {
    assert.deepEqual(labels({ metadata: {}, spec: { color: null } }), { 'spec.color': '', 'spec.quantity': '', 'spec.branded': '' });
    assert.deepEqual(labels({ metadata: {} }), { 'spec.color': '', 'spec.quantity': '', 'spec.branded': '' });
  });

  it('is absent for a version listing none', () => {
    assert.equal(selectableFieldLabels(undefined, SCHEMA), undefined);
    assert.equal(selectableFieldLabels([], SCHEMA), undefined);
  });

  it('matches selectors with =, == and != on the stringified values', () => {
    const fields = labels({ metadata: {}, spec: { color: 'red', quantity: 3, branded: true } });
    assert.equal(parseFieldSelector('spec.color=red').matches(fields), true);
    assert.equal(parseFieldSelector('spec.color!=red').matches(fields), false);
    assert.equal(parseFieldSelector('spec.quantity==3,spec.branded=true').matches(fields), true);
    assert.equal(parseFieldSelector('spec.branded=false').matches(fields), false);
  });
});

describe('a CRD version definition with selectableFields', () => {
  it('offers them as fieldLabels beside metadata (the Store adds name and namespace)', () => {
    const c = crd();
    const def = customResourceDefinitionFor(c, c.spec.versions[0]!, compileVersionSchema(c, c.spec.versions[0]!));
    assert.deepEqual(Object.keys(def.fieldLabels!({ metadata: {} })).sort(), ['spec.branded', 'spec.color', 'spec.quantity']);
    assert.equal(def.unfilterableFieldLabels, undefined);
  });

  it('lists none for a version without them', () => {
    const c = crd();
    const v = { ...c.spec.versions[0]!, selectableFields: undefined };
    assert.equal(customResourceDefinitionFor(c, v, compileVersionSchema(c, v)).fieldLabels, undefined);
  });

  it('refuses them on a version a webhook converts (the Store matches stored objects), not on the storage version', () => {
    const c = crd({
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: 'https://127.0.0.1:1/convert' } } },
      versions: [
        { name: 'v1alpha1', served: true, storage: false, schema: { openAPIV3Schema: SCHEMA }, selectableFields: [{ jsonPath: '.spec.color' }] },
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: SCHEMA }, selectableFields: FIELDS },
      ],
    });
    const alpha = c.spec.versions[0]!;
    const v1 = c.spec.versions[1]!;
    const alphaDef = customResourceDefinitionFor(c, alpha, compileVersionSchema(c, alpha));
    assert.deepEqual(alphaDef.unfilterableFieldLabels?.labels, ['spec.color']);
    assert.equal(customResourceDefinitionFor(c, v1, compileVersionSchema(c, v1)).unfilterableFieldLabels, undefined);
  });
});

describe('OpenAPI models list the selectable fields (kube\'s x-kubernetes-selectable-fields)', () => {
  it('in v2 and v3, by fieldPath without the leading dot', () => {
    const c = crd();
    const models = openAPIModelsFor(c, c.spec.versions[0]!);
    const expected = [{ fieldPath: 'spec.color' }, { fieldPath: 'spec.quantity' }, { fieldPath: 'spec.branded' }];
    assert.deepEqual(models.v3.kind['x-kubernetes-selectable-fields'], expected);
    assert.deepEqual(models.v2.kind['x-kubernetes-selectable-fields'], expected);
    assert.equal(models.v3.list['x-kubernetes-selectable-fields'], undefined);
  });

  it('not at all for a version without them', () => {
    const c = crd();
    const models = openAPIModelsFor(c, { ...c.spec.versions[0]!, selectableFields: [] });
    assert.equal('x-kubernetes-selectable-fields' in models.v3.kind, false);
  });
});
