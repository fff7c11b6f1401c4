import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { checkDecodedBounds, jsonNestsDeeperThan, MAX_DECODE_DEPTH, yamlNestsDeeperThan } from '../../src/endpoints/decode-bounds.js';
import { decodeYAML } from '../../src/endpoints/yaml/decode-yaml.js';

describe('nesting bounds checked before parsing', () => {
  const over = MAX_DECODE_DEPTH + 1;

  it('refuses deep JSON and deep YAML in flow and block style', () => {
    assert.ok(jsonNestsDeeperThan('['.repeat(over) + ']'.repeat(over)));
    assert.ok(yamlNestsDeeperThan(`a: ${'['.repeat(over)}${']'.repeat(over)}\n`));
    assert.ok(yamlNestsDeeperThan(`a: ${'{"b": '.repeat(over)}1${'}'.repeat(over)}\n`));
    assert.ok(yamlNestsDeeperThan(Array.from({ length: over + 1 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')));
    assert.ok(yamlNestsDeeperThan(`x:\n${'- '.repeat(over)}v\n`));
  });

  it('a 3 MiB deep YAML body is refused as the decode error kube gives, at once', () => {
    const r = decodeYAML(`a: ${'['.repeat(1_500_000)}${']'.repeat(1_500_000)}\n`, 3 << 20);
    assert.deepEqual(r, { ok: false, error: 'decode', message: `error converting YAML to JSON: yaml: exceeded max depth of ${MAX_DECODE_DEPTH}` });
  });

  it('brackets inside quoted scalars and comments do not count', () => {
    const text = `a: "${'['.repeat(over)}"\nb: '${'{'.repeat(over)}'\n# ${'['.repeat(over)}\nc: it's [fine]\n`;
    assert.equal(yamlNestsDeeperThan(text), false);
    assert.equal(jsonNestsDeeperThan(JSON.stringify({ a: '['.repeat(over) })), false);
  });

  it('never passes a document the parser reads deeper than the bound (property)', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'large', withCrossShrink: true }, fc.string({ maxLength: 3 }), fc.array(tie('v'), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), tie('v'), { maxKeys: 2 })),
    })).v;
    fc.assert(
      fc.property(value, fc.integer({ min: 2, max: 40 }), (v, max) => {
        const text = JSON.stringify(v);
        if (!yamlNestsDeeperThan(text, max)) assert.equal(checkDecodedBounds(parse(text) as unknown, 1 << 20, max + 1), 'ok');
      }),
    );
  });
});
