import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { widget, widgetSchema } from './fixtures.js';

const schema = widgetSchema();

describe('custom resource pruning', () => {
  const cases: Array<{ name: string; spec: Record<string, unknown>; want: Record<string, unknown>; unknown: string[] }> = [
    { name: 'nothing unknown', spec: { replicas: 1 }, want: { replicas: 1 }, unknown: [] },
    { name: 'unknown field dropped', spec: { foo: 1, replicas: 1 }, want: { replicas: 1 }, unknown: ['spec.foo'] },
    {
      name: 'inside list items',
      spec: { ports: [{ name: 'a', extra: true }, { name: 'b' }] },
      want: { ports: [{ name: 'a' }, { name: 'b' }] },
      unknown: ['spec.ports[0].extra'],
    },
    {
      name: 'preserve-unknown-fields keeps unknown, prunes known',
      spec: { free: { anything: { deep: [1] }, known: { a: 'x', b: 'y' } } },
      want: { free: { anything: { deep: [1] }, known: { a: 'x' } } },
      unknown: ['spec.free.known.b'],
    },
    {
      name: 'embedded resource keeps apiVersion/kind, metadata becomes ObjectMeta',
      spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 }, spec: { x: 'a', y: 'b' }, other: 1 } },
      want: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a' } } },
      unknown: ['spec.template.other', 'spec.template.spec.y', 'spec.template.metadata.bogus'],
    },
    {
      name: 'non-nullable nulls without a default are dropped, nullable kept',
      spec: { replicas: null, note: null },
      want: { note: null },
      unknown: [],
    },
    {
      name: 'a null with a default stays for defaulting',
      spec: { ports: [{ name: 'a', port: null }] },
      want: { ports: [{ name: 'a', port: null }] },
      unknown: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = widget(c.spec);
      const before = JSON.stringify(input);
      const { pruned, unknownFields } = schema.prune(input);
      assert.deepEqual((pruned as Record<string, unknown>).spec, { size: 'S', ...c.want });
      assert.deepEqual(unknownFields, c.unknown);
      assert.equal(JSON.stringify(input), before, 'the input is not changed');
    });
  }

  it('root: metadata pruned to ObjectMeta, apiVersion/kind kept, unknown root fields sorted', () => {
    const input = { ...widget({}), zeta: 1, alpha: 2, metadata: { name: 'w', namespace: 'd', labels: { a: 'b' }, extra: { x: 1 } } };
    const { pruned, unknownFields } = schema.prune(input);
    assert.deepEqual(pruned, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'd', labels: { a: 'b' } },
      spec: { size: 'S' },
    });
    assert.deepEqual(unknownFields, ['metadata.extra', 'alpha', 'zeta']);
  });

  it('a schema that preserves everything at the root', () => {
    const s = widgetSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    const { pruned, unknownFields } = s.prune({ ...widget({ a: { b: 1 } }), status: { c: 1 } });
    assert.deepEqual((pruned as Record<string, unknown>).status, { c: 1 });
    assert.deepEqual(unknownFields, []);
  });

  it('an object without properties loses everything but the root meta fields', () => {
    const s = widgetSchema({ type: 'object' });
    const { pruned, unknownFields } = s.prune(widget({ a: 1 }));
    assert.deepEqual(pruned, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } });
    assert.deepEqual(unknownFields, ['spec']);
  });

  it('keys such as __proto__ stay plain data', () => {
    const input = JSON.parse('{"apiVersion":"example.com/v1","kind":"Widget","spec":{"size":"S","labels":{"__proto__":"x"}}}') as unknown;
    const { pruned } = schema.prune(input);
    const labels = ((pruned as Record<string, Record<string, unknown>>).spec!.labels ?? {}) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
    assert.deepEqual(Object.keys(labels), ['__proto__']);
  });
});
