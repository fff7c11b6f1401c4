import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findUnknownAndDuplicateFields } from '../../../src/endpoints/field-validation/index.js';
import type { KindSchema, TypeNode } from '../../../src/endpoints/field-validation/schema.js';
import { toTypedValue } from '../../../src/endpoints/field-validation/typed.js';
import { widget, widgetSchema } from './fixtures.js';

const schema = widgetSchema();
const root = schema.toTypeNode();
const field = (t: TypeNode | undefined, ...path: string[]): TypeNode | undefined => {
  let cur = t;
  for (const p of path) {
    if (cur?.kind === 'struct') cur = cur.field(p);
    else if (cur?.kind === 'array') cur = cur.items;
    else if (cur?.kind === 'map') cur = cur.values;
    else return undefined;
  }
  return cur;
};

describe('custom resource schema as a TypeNode', () => {
  it('maps each schema construct', () => {
    assert.equal(root.kind, 'struct');
    const cases: Array<[string[], string | undefined]> = [
      [['apiVersion'], 'primitive'],
      [['metadata'], 'struct'],
      [['spec'], 'struct'],
      [['spec', 'replicas'], 'primitive'],
      [['spec', 'port'], 'custom'],
      [['spec', 'tags'], 'array'],
      [['spec', 'labels'], 'map'],
      [['spec', 'free'], 'struct'],
      [['spec', 'free', 'whatever'], 'any'],
      [['spec', 'template', 'metadata'], 'struct'],
      [['spec', 'template', 'kind'], 'primitive'],
      [['spec', 'nope'], undefined],
    ];
    for (const [path, kind] of cases) assert.equal(field(root, ...path)?.kind, kind, path.join('.'));
    const meta = field(root, 'metadata');
    assert.equal(meta?.kind === 'struct' ? meta.definition : '', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  });

  it('strict field validation finds unknown and duplicate fields as for built-ins', () => {
    const text = JSON.stringify(widget({ foo: 1, free: { x: 1 }, ports: [{ name: 'a', bar: 2 }] }, { bogus: 1 })).replace(
      '"size":"S"',
      '"size":"S","size":"M"',
    );
    const findings = findUnknownAndDuplicateFields({ text, mediaType: 'application/json' }, JSON.parse(text), root as KindSchema);
    assert.deepEqual(
      [...findings.unknown].sort(),
      ['metadata.bogus', 'spec.foo', 'spec.ports[0].bar'],
    );
    assert.deepEqual(findings.duplicates, ['spec.size']);
  });

  it('toTypedValue keeps what the schema knows', () => {
    const typed = toTypedValue(widget({ foo: 1, replicas: 2, free: { x: 1 } }, { bogus: 1 }), root);
    assert.deepEqual(typed, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'default' },
      spec: { size: 'S', replicas: 2, free: { x: 1 } },
    });
  });

  it('an embedded resource with additionalProperties knows its meta fields and its values', () => {
    const s = widgetSchema({
      type: 'object',
      properties: { spec: { type: 'object', 'x-kubernetes-embedded-resource': true, additionalProperties: { type: 'integer' } } },
    });
    const spec = field(s.toTypeNode(), 'spec');
    assert.equal(field(spec, 'metadata')?.kind, 'struct');
    assert.deepEqual(field(spec, 'anything'), { kind: 'primitive', go: 'int64' });
  });

  it('is built once', () => {
    assert.equal(schema.toTypeNode(), root);
  });
});
