import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { widgetSchema } from './fixtures.js';

const SCHEMA = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        replicas: { type: 'integer', default: 1 },
        mode: { type: 'string', default: 'auto' },
        nullable: { type: 'string', nullable: true, default: 'n' },
        nested: { type: 'object', default: { inner: {} }, properties: { inner: { type: 'object', properties: { x: { type: 'integer', default: 7 } } } } },
        items: { type: 'array', items: { type: 'object', default: { name: 'd' }, properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } } } },
        map: { type: 'object', additionalProperties: { type: 'object', default: { v: 'x' }, properties: { v: { type: 'string' }, w: { type: 'string', default: 'w' } } } },
        list: { type: 'array', default: ['a'], items: { type: 'string' } },
      },
    },
  },
};
const schema = widgetSchema(SCHEMA);

describe('custom resource defaulting', () => {
  const cases: Array<{ name: string; spec: unknown; want: unknown }> = [
    {
      name: 'a missing parent object is defaulted, then its fields',
      spec: undefined,
      want: { replicas: 1, mode: 'auto', nullable: 'n', nested: { inner: { x: 7 } }, list: ['a'] },
    },
    {
      name: 'given values stay',
      spec: { replicas: 3, mode: 'manual', nested: { inner: { x: 1 } }, list: [] },
      want: { replicas: 3, mode: 'manual', nullable: 'n', nested: { inner: { x: 1 } }, list: [] },
    },
    {
      name: 'null is defaulted unless nullable',
      spec: { replicas: null, nullable: null },
      want: { replicas: 1, mode: 'auto', nullable: null, nested: { inner: { x: 7 } }, list: ['a'] },
    },
    {
      name: 'inside list items, and null items',
      spec: { items: [{ name: 'a' }, null, { port: 1 }] },
      want: {
        replicas: 1,
        mode: 'auto',
        nullable: 'n',
        nested: { inner: { x: 7 } },
        list: ['a'],
        items: [{ name: 'a', port: 80 }, { name: 'd', port: 80 }, { port: 1 }],
      },
    },
    {
      name: 'inside additionalProperties, and null values',
      spec: { map: { a: {}, b: null } },
      want: {
        replicas: 1,
        mode: 'auto',
        nullable: 'n',
        nested: { inner: { x: 7 } },
        list: ['a'],
        map: { a: { w: 'w' }, b: { v: 'x', w: 'w' } },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input: Record<string, unknown> = { apiVersion: 'example.com/v1', kind: 'Widget' };
      if (c.spec !== undefined) input.spec = c.spec;
      const before = JSON.stringify(input);
      const out = schema.default(input) as Record<string, unknown>;
      assert.deepEqual(out.spec, c.want);
      assert.equal(JSON.stringify(input), before, 'the input is not changed');
    });
  }

  it('defaults are deep copies', () => {
    const a = schema.default({}) as { spec: { list: string[] } };
    a.spec.list.push('changed');
    const b = schema.default({}) as { spec: { list: string[] } };
    assert.deepEqual(b.spec.list, ['a']);
  });
});
