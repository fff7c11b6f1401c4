import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mayBacktrackCatastrophically } from '../../../src/apiextensions/customresourcedefinition/backtracking-risk.js';
import { defaultCustomResourceDefinition } from '../../../src/apiextensions/customresourcedefinition/defaults.js';
import type { CustomResourceDefinition } from '../../../src/apiextensions/customresourcedefinition/types.js';
import {
  MAX_SCHEMA_DEPTH,
  validateCustomResourceDefinition,
  validateCustomResourceDefinitionUpdate,
} from '../../../src/apiextensions/customresourcedefinition/validation.js';
import { cronTabCRD, deepSchema, simpleCRD, wideSchema } from './fixtures.js';

const messages = (crd: CustomResourceDefinition): string[] => validateCustomResourceDefinition(crd).map(String);

describe('validateCustomResourceDefinition: valid CRDs', () => {
  it('accepts a realistic multi-version CRD', () => {
    assert.deepEqual(messages(cronTabCRD()), []);
  });

  it('accepts a minimal CRD once defaulted', () => {
    assert.deepEqual(messages(simpleCRD({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true })), []);
  });

  it('accepts a schema with 10,000 properties (kube sets no count limit; the request and object size limits bound it)', () => {
    assert.deepEqual(messages(simpleCRD(wideSchema(10_000))), []);
  });

  it(`accepts nodes up to ${MAX_SCHEMA_DEPTH - 1} levels below the root, not one more`, () => {
    // deepSchema(n) puts its string leaf n + 1 levels below the root.
    assert.deepEqual(messages(simpleCRD(deepSchema(MAX_SCHEMA_DEPTH - 2))), []);
    assert.equal(messages(simpleCRD(deepSchema(MAX_SCHEMA_DEPTH - 1))).length, 1);
  });
});

describe('validateCustomResourceDefinition: hostile schemas', () => {
  it('refuses nesting 1,000 deep with one error, no stack overflow', () => {
    const errs = validateCustomResourceDefinition(simpleCRD(deepSchema(1000)));
    assert.equal(errs.length, 1);
    assert.match(String(errs[0]), /^spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\](\.properties\[a\])+: Invalid value: "": schemas must nest fewer than 64 levels deep$/);
  });

  it('refuses nesting 100,000 deep (built iteratively) without overflowing', () => {
    const errs = validateCustomResourceDefinition(simpleCRD(deepSchema(100_000)));
    assert.equal(errs.length, 1);
  });

  it('an update from a hostile old object does not overflow either', () => {
    const old = simpleCRD(deepSchema(10_000));
    const errs = validateCustomResourceDefinitionUpdate(simpleCRD(deepSchema(10_000)), old);
    assert.equal(errs.length, 1);
  });

  it('refuses a subschema that is not an object', () => {
    const crd = simpleCRD({ type: 'object', properties: { spec: 'nope' as never } });
    assert.deepEqual(messages(crd), ['spec.versions[0].schema.openAPIV3Schema.properties[spec]: Invalid value: "string": must be a JSON schema object']);
  });
});

describe('defaultCustomResourceDefinition', () => {
  it("fills kube's v1 defaults", () => {
    const crd = defaultCustomResourceDefinition({
      metadata: { name: 'foos.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { plural: 'foos', kind: 'FooBar' },
        versions: [{ name: 'v1alpha1', served: true, storage: false }, { name: 'v1', served: true, storage: true }],
      },
    });
    assert.equal(crd.spec.names.singular, 'foobar');
    assert.equal(crd.spec.names.listKind, 'FooBarList');
    assert.deepEqual(crd.spec.conversion, { strategy: 'None' });
    assert.deepEqual(crd.status?.storedVersions, ['v1']);
  });

  it('keeps what is set, and defaults the webhook service port to 443', () => {
    const crd = defaultCustomResourceDefinition({
      metadata: { name: 'foos.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { plural: 'foos', kind: 'Foo', singular: 'thefoo', listKind: 'Foos' },
        versions: [{ name: 'v1', served: true, storage: true }],
        conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { namespace: 'ns', name: 'svc' } } } },
      },
      status: { storedVersions: ['v0'] },
    });
    assert.equal(crd.spec.names.singular, 'thefoo');
    assert.equal(crd.spec.names.listKind, 'Foos');
    assert.equal(crd.spec.conversion?.webhook?.clientConfig?.service?.port, 443);
    assert.deepEqual(crd.status?.storedVersions, ['v0']);
  });

  it('leaves wrongly typed input for validation to name', () => {
    const bad = { metadata: { name: 'x' }, spec: null } as unknown as CustomResourceDefinition;
    assert.equal(defaultCustomResourceDefinition(bad), bad);
    const names = { metadata: { name: 'x' }, spec: { names: 'Foo' } } as unknown as CustomResourceDefinition;
    assert.deepEqual(defaultCustomResourceDefinition(names).spec, { names: 'Foo' });
  });

  it('does not mutate its input', () => {
    const input: CustomResourceDefinition = {
      metadata: { name: 'foos.example.com' },
      spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'foos', kind: 'Foo' }, versions: [] },
    };
    defaultCustomResourceDefinition(input);
    assert.equal(input.spec.names.singular, undefined);
    assert.equal(input.spec.conversion, undefined);
  });
});

describe('validateCustomResourceDefinition: wrongly typed and oversized input', () => {
  it('refuses wrongly typed schema fields with their paths, before any rule', () => {
    const crd = simpleCRD({ type: 'object', properties: { spec: { type: 'object', required: 'name' as never, anyOf: {} as never } } });
    assert.deepEqual(messages(crd), [
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].required: Invalid value: "string": must be an array of strings',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].anyOf: Invalid value: "object": must be an array of JSON schema objects',
    ]);
  });

  it('refuses wrongly typed CRD fields', () => {
    const crd = simpleCRD({ type: 'object' }, (c) => {
      (c.spec.versions[0] as unknown as Record<string, unknown>).served = 'yes';
      (c.spec.names as unknown as Record<string, unknown>).shortNames = 'w';
    });
    assert.deepEqual(messages(crd), [
      'spec.names.shortNames: Invalid value: "string": must be an array of strings',
      'spec.versions[0].served: Invalid value: "string": must be a boolean',
    ]);
  });

  it('leaves a huge or deeply nested bad value out of the message', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    const crd = simpleCRD({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } }, default: { b: deep } as never } } });
    assert.deepEqual(messages(crd), [
      'spec.validation.openAPIV3Schema.properties[spec].default: Invalid value: must not have unknown fields',
    ]);
  });
});

describe('default patterns', () => {
  it('a catastrophic pattern never runs away on a default', () => {
    const crd = simpleCRD({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$', default: `${'a'.repeat(40)}b` } } } } });
    // Run as written it would take minutes: that it returns at all is the test; what it answers is checked too.
    assert.ok(Array.isArray(validateCustomResourceDefinition(crd)));
    assert.equal(mayBacktrackCatastrophically('^(a+)+$'), true, 'the pattern is recognised as one not to run');
  });

  it('a default must match a simple pattern', () => {
    const crd = simpleCRD({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string', pattern: '^[a-z]+$', default: 'ABC' } } } } });
    assert.deepEqual(messages(crd), [
      "spec.validation.openAPIV3Schema.properties[spec].properties[a].default: Invalid value: \"ABC\":  in body should match '^[a-z]+$'",
    ]);
  });
});
