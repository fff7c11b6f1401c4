import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { widget, widgetSchema } from './fixtures.js';

const schema = widgetSchema();
const errorsOf = (obj: unknown, old?: unknown): string[] => schema.validate(obj, old).map(String);

describe('custom resource validation: kube-openapi wording and paths', () => {
  const cases: Array<{ name: string; spec: Record<string, unknown>; want: string[] }> = [
    { name: 'valid', spec: { replicas: 3, name: 'abc', port: 'http', tags: ['a'] }, want: [] },
    {
      name: 'type',
      spec: { replicas: 'string' },
      want: ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'],
    },
    {
      name: 'integer refuses a fraction, number takes an integer',
      spec: { replicas: 1.5, ratio: 1 },
      want: [
        'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
        // kube-openapi checks an int64 value against int64(bound): 1 is not below int64(1.5).
        'spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1',
      ],
    },
    { name: 'required', spec: { size: undefined }, want: ['spec.size: Required value'] },
    { name: 'enum', spec: { size: 'XL' }, want: ['spec.size: Unsupported value: "XL": supported values: "S", "M"'] },
    { name: 'pattern', spec: { name: 'AB' }, want: ['spec.name: Invalid value: "AB": spec.name in body should match \'^[a-z]+$\''] },
    { name: 'maxLength', spec: { name: 'abcdef' }, want: ['spec.name: Too long: may not be more than 5 bytes'] },
    { name: 'lengths count runes', spec: { name: 'ééééé' }, want: ['spec.name: Invalid value: "ééééé": spec.name in body should match \'^[a-z]+$\''] },
    { name: 'minLength', spec: { name: 'a' }, want: ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long'] },
    { name: 'maximum', spec: { replicas: 11 }, want: ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'] },
    { name: 'minimum', spec: { replicas: 0 }, want: ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1'] },
    { name: 'exclusiveMaximum', spec: { ratio: 1.5 }, want: ['spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1.5'] },
    { name: 'exclusiveMinimum', spec: { ratio: 0 }, want: ['spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0'] },
    { name: 'multipleOf', spec: { step: 7 }, want: ['spec.step: Invalid value: 7: spec.step in body should be a multiple of 5'] },
    {
      name: 'int-or-string',
      spec: { port: true },
      want: ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'],
    },
    { name: 'int-or-string takes both', spec: { port: 8080 }, want: [] },
    {
      name: 'date-time',
      spec: { when: 'yesterday' },
      want: ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"'],
    },
    { name: 'valid formats', spec: { when: '2024-02-29T10:00:00Z', id: '123e4567-e89b-12d3-a456-426614174000', ip: '10.0.0.1' }, want: [] },
    { name: 'ipv4', spec: { ip: '::1' }, want: ['spec.ip: Invalid value: "::1": spec.ip in body must be of type ipv4: "::1"'] },
    { name: 'unknown format ignored', spec: { exotic: 'anything' }, want: [] },
    { name: 'pattern that does not compile: no constraint', spec: { bad: 'x' }, want: [] },
    { name: 'null refused unless nullable', spec: { note: null, name: null }, want: ['spec.name: Invalid value: "null": spec.name in body must be of type string: "null"'] },
    { name: 'minItems', spec: { tags: [] }, want: ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items'] },
    { name: 'maxItems', spec: { tags: ['a', 'b', 'c'] }, want: ['spec.tags: Too many: 3: must have at most 2 items'] },
    { name: 'uniqueItems', spec: { tags: ['a', 'a'] }, want: ['spec.tags: Invalid value: "": spec.tags in body shouldn\'t contain duplicates'] },
    {
      name: 'item type',
      spec: { tags: ['a', 1] },
      want: ['spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"'],
    },
    { name: 'map values are dotted', spec: { labels: { app: 'long' } }, want: ['spec.labels.app: Too long: may not be more than 3 bytes'] },
    { name: 'maxProperties', spec: { labels: { a: '', b: '', c: '' } }, want: ['spec.labels: Too many: 3: must have at most 2 items'] },
    { name: 'minProperties', spec: { labels: {} }, want: ['spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties'] },
    { name: 'list-type set', spec: { set: ['a', 'b', 'a', 'a'] }, want: ['spec.set[2]: Duplicate value: "a"'] },
    {
      name: 'list-type map',
      spec: { ports: [{ name: 'a' }, { name: 'a', port: 1 }] },
      want: ['spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a"}'],
    },
    {
      name: 'list-type map item not an object',
      spec: { ports: [{ name: 'a' }, 'x'] },
      want: [
        'spec.ports[1]: Invalid value: "string": spec.ports[1] in body must be of type object: "string"',
        'spec.ports[1]: Invalid value: "x": must be an object for an array of list-type map',
      ],
    },
    {
      name: 'oneOf',
      spec: { one: 'ab' },
      want: [
        '<nil>: Invalid value: "": "spec.one" must validate one and only one schema (oneOf). Found none valid',
        'spec.one: Invalid value: "ab": spec.one in body should be at least 3 chars long',
      ],
    },
    {
      name: 'anyOf',
      spec: { any: 5 },
      want: [
        '<nil>: Invalid value: "": "spec.any" must validate at least one schema (anyOf)',
        'spec.any: Invalid value: 5: spec.any in body should be greater than or equal to 10',
      ],
    },
    {
      name: 'allOf',
      spec: { all: 9 },
      want: [
        'spec.all: Invalid value: 9: spec.all in body should be less than or equal to 7',
        '<nil>: Invalid value: "": "spec.all" must validate all the schemas (allOf)',
      ],
    },
    { name: 'not', spec: { not: 'forbidden' }, want: ['<nil>: Invalid value: "": "spec.not" must not validate the schema (not)'] },
    {
      name: 'embedded resource',
      spec: { template: { kind: 'Bad_Kind', metadata: { name: 'a/b', labels: { 'x y': 'z' } } } },
      want: [
        'spec.template.apiVersion: Required value',
        "spec.template.kind: Invalid value: \"Bad_Kind\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.template.metadata.name: Invalid value: \"a/b\": may not contain '/'",
        "spec.template.metadata.labels: Invalid value: \"x y\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    },
    { name: 'valid embedded resource', spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } }, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const spec = { ...c.spec };
      for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
      const obj = widget({});
      obj.spec = { ...(obj.spec as object), ...spec };
      if (c.spec.size === undefined && 'size' in c.spec) delete (obj.spec as Record<string, unknown>).size;
      assert.deepEqual(errorsOf(obj), c.want);
    });
  }

  it('reports every failing field', () => {
    const errs = errorsOf(widget({ replicas: 'x', size: 'XL', name: 'A' }));
    assert.equal(errs.length, 4);
  });

  it('checks kind and apiVersion first, and nothing else when they fail', () => {
    const obj = { ...widget({ replicas: 'x' }), kind: 'Other', apiVersion: 'example.com/v2', metadata: { name: 'Bad_Name' } };
    assert.deepEqual(errorsOf(obj), [
      'kind: Invalid value: "Other": must be Widget',
      'apiVersion: Invalid value: "example.com/v2": must be example.com/v1',
    ]);
  });

  it('checks the root ObjectMeta', () => {
    const obj = { ...widget({}), metadata: { name: 'Bad_Name', labels: { ok: 'a b' } } };
    assert.deepEqual(errorsOf(obj), [
      "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      'metadata.namespace: Required value',
      "metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });

  describe('status subresource update', () => {
    const statusSchema = widgetSchema({
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { replicas: { type: 'integer' } } },
        status: {
          type: 'object',
          required: ['phase'],
          properties: { replicas: { type: 'integer' }, phase: { type: 'string' }, one: { type: 'string', anyOf: [{ enum: ['a'] }] } },
        },
      },
    });
    const meta = { resourceVersion: '1', uid: 'u1' };
    const obj = (status: unknown, spec: unknown = {}) => ({ ...widget({}, meta), spec, status });
    it('checks status only, with paths under status and kube-openapi names from status', () => {
      const errs = statusSchema.validateStatus(obj({ replicas: 'x', one: 'b' }, { replicas: 'bad' }), obj({ phase: 'p' })).map(String);
      assert.deepEqual(errs, [
        'status.replicas: Invalid value: "string": replicas in body must be of type integer: "string"',
        'status: Invalid value: "": "one" must validate at least one schema (anyOf)',
        'status.one: Unsupported value: "b": supported values: "a"',
        'status.phase: Required value',
      ]);
    });
    it('ratchets against the old status', () => {
      assert.deepEqual(statusSchema.validateStatus(obj({ replicas: 'x', phase: 'p' }), obj({ replicas: 'x' })).map(String), []);
    });
  });

  it('checks metadata against the stored object on update', () => {
    const old = widget({}, { resourceVersion: '1', uid: 'u1' });
    const next = widget({}, { name: 'renamed', resourceVersion: '1', uid: 'u1' });
    assert.deepEqual(errorsOf(next, old), ['metadata.name: Invalid value: "renamed": field is immutable']);
  });

  describe('ratcheting on update: values unchanged from the stored object are not checked', () => {
    const meta = { resourceVersion: '1', uid: 'u1' };
    const build = (spec: Record<string, unknown>) => JSON.parse(JSON.stringify(widget(spec, meta))) as unknown;
    const update = (oldSpec: Record<string, unknown>, newSpec: Record<string, unknown>): string[] => errorsOf(build(newSpec), build(oldSpec));
    it('an unchanged invalid field', () => assert.deepEqual(update({ replicas: 'x' }, { replicas: 'x', size: 'M' }), []));
    it('a changed invalid field', () =>
      assert.deepEqual(update({ replicas: 'x' }, { replicas: 'y' }), [
        'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      ]));
    it('list-type map items pair by key', () =>
      assert.deepEqual(
        update({ ports: [{ name: 'a', port: 'x' }] }, { ports: [{ name: 'b', port: 1 }, { name: 'a', port: 'x' }] }),
        [],
      ));
    it('atomic list items have no old value', () =>
      assert.deepEqual(update({ tags: ['a', 1] }, { tags: ['b', 1] }), [
        'spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"',
      ]));
    it('a new required field is required once its object changes', () =>
      assert.deepEqual(update({ size: undefined, replicas: 1 }, { size: undefined, replicas: 2 }), ['spec.size: Required value']));
  });

  it('a cluster-scoped resource refuses a namespace', () => {
    const cluster = widgetSchema(undefined, false);
    assert.deepEqual(cluster.validate(widget({})).map(String), ['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('never throws on values of any shape', () => {
    for (const v of [null, 1, 'x', [], { spec: null }, { spec: [] }, { metadata: 'x', spec: { ports: 'x', labels: [] } }]) {
      assert.ok(Array.isArray(schema.validate(v)));
    }
  });
});
