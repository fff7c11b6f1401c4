import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SCHEMA_DEPTH } from '../../../src/apiextensions/schema/index.js';
import { widgetSchema } from './fixtures.js';

/** Hostile and large schemas and values: nothing throws, nothing recurses without bound. (Timing is bench's job.) */
describe('custom resource schema bounds', () => {
  it('a 3 MiB schema with 10,000 properties compiles and validates', () => {
    const props: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) {
      props[`field${i}`] = { type: 'string', description: 'd'.repeat(250), pattern: '^[a-z]+$', maxLength: 10, enum: ['a', 'b'] };
    }
    const raw = { type: 'object', properties: { spec: { type: 'object', properties: props } } };
    assert.ok(JSON.stringify(raw).length > 3 * 1024 * 1024);
    const s = widgetSchema(raw);
    const spec: Record<string, unknown> = { field9999: 'C', unknown1: 1 };
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'd' }, spec };
    assert.deepEqual(s.validate(obj).map(String), [
      'spec.field9999: Invalid value: "C": spec.field9999 in body should match \'^[a-z]+$\'',
      'spec.field9999: Unsupported value: "C": supported values: "a", "b"',
    ]);
    assert.deepEqual(s.prune(obj).unknownFields, ['spec.unknown1']);
    const t = s.toTypeNode();
    const specNode = t.kind === 'struct' ? t.field('spec') : undefined;
    assert.equal(specNode?.kind === 'struct' ? specNode.field('field5000')?.kind : undefined, 'primitive');
  });

  it(`schemas nested past ${MAX_SCHEMA_DEPTH} levels are cut off, values 1,000 deep are fine`, () => {
    let deep: Record<string, unknown> = { type: 'string', default: 'x' };
    for (let i = 0; i < 1000; i++) deep = { type: 'object', properties: { a: deep }, required: ['a'] };
    const s = widgetSchema(deep);
    let value: unknown = 'leaf';
    for (let i = 0; i < 1000; i++) value = { a: value };
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'd' }, ...(value as object) };
    assert.deepEqual(s.validate(obj), []);
    const { pruned, unknownFields } = s.prune(obj);
    assert.deepEqual(unknownFields, []);
    assert.deepEqual(pruned, obj, 'below the cut-off values are kept as sent');
    assert.ok(s.default(obj));
  });

  it('values nested 1,000 deep under any schema do not overflow', () => {
    let object: unknown = 1;
    for (let i = 0; i < 1000; i++) object = { k: object };
    const s = widgetSchema({
      type: 'object',
      properties: {
        set: { type: 'array', 'x-kubernetes-list-type': 'set', uniqueItems: true, items: { 'x-kubernetes-preserve-unknown-fields': true } },
        any: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        none: { type: 'object' },
        e: { 'x-kubernetes-preserve-unknown-fields': true, enum: [{ k: 1 }] },
      },
    });
    const shallow: unknown[] = [1, 2];
    for (const v of [shallow, object]) {
      const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'd' }, any: v, none: { x: v }, e: v, set: [v, v] };
      assert.ok(s.validate(obj).length > 0);
      assert.deepEqual(s.prune(obj).unknownFields, ['none.x']);
      assert.ok(s.default(obj));
    }
  });

  it('malformed schemas never throw', () => {
    const bad: unknown[] = [
      null,
      'x',
      [],
      { type: 7, properties: [], items: 'x', required: 'a', enum: 'b', pattern: 3, maximum: 'x', multipleOf: -1, minLength: -2 },
      { type: 'object', properties: { a: null, b: { type: 'array', items: [] } }, additionalProperties: 'yes', allOf: {}, not: [] },
      JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string","default":"p"},"constructor":{"type":"integer"}}}'),
    ];
    for (const raw of bad) {
      const s = widgetSchema(raw);
      const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'd' }, a: 1, b: [1] };
      assert.ok(Array.isArray(s.validate(obj)));
      assert.ok(s.prune(obj));
      assert.ok(s.default(obj));
      assert.ok(s.toTypeNode());
    }
  });
});
