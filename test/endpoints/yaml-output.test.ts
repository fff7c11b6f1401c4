import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { toKubeYAML } from '../../src/endpoints/yaml-output.js';

describe('toKubeYAML', () => {
  it('quotes strings a YAML 1.1 reader would take for timestamps, booleans or numbers', () => {
    const doc = { t: '2024-01-01T00:00:00Z', y: 'yes', on: 'on', n: '0755', plain: 'hello' };
    const out = toKubeYAML(doc);
    assert.match(out, /^"on": "on"$/m, 'keys too, as go-yaml v2 does');
    assert.match(out, /^t: "2024-01-01T00:00:00Z"$/m);
    assert.match(out, /^"y": "yes"$/m);
    assert.match(out, /^"n": "0755"$/m);
    assert.match(out, /^plain: hello$/m);
    assert.deepEqual(parse(out), doc);
  });

  it('sorts keys, does not indent sequences and writes shared objects twice rather than as anchors', () => {
    const shared = { a: 1 };
    const out = toKubeYAML({ z: [shared, shared], b: 1 });
    assert.equal(out, 'b: 1\nz:\n- a: 1\n- a: 1\n');
  });
});
