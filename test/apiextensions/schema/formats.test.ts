import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatChecker } from '../../../src/apiextensions/schema/formats.js';

describe('string formats kube validates', () => {
  const cases: Array<[format: string, value: string, valid: boolean]> = [
    ['hostname', 'example.com', true],
    ['hostname', '-bad.com', false],
    ['hostname', 'a b', false],
    ['email', 'a@b.com', true],
    ['email', 'nope', false],
    ['duration', '1h30m', true],
    ['duration', '1.5s', true],
    ['duration', '3 days', true],
    ['duration', 'abc', false],
    ['byte', 'aGVsbG8=', true],
    ['byte', 'abc', false],
    ['cidr', '10.0.0.0/8', true],
    ['cidr', '::/0', true],
    ['cidr', '10.0.0.0', false],
    ['cidr', '10.0.0.0/33', false],
    ['mac', '01:23:45:67:89:ab', true],
    ['mac', '01:23:45', false],
    ['uri', 'http://x', true],
    ['uri', '/path', true],
    ['uri', 'foo', false],
    ['date', '2024-02-29', true],
    ['date', '2023-02-29', false],
    ['date-time', '2024-02-29T10:00:00.123+02:00', true],
    ['datetime', '2024-02-29T10:00:00Z', true],
    ['date-time', '2024-02-30T10:00:00Z', false],
    ['ipv4', '1.2.3.4', true],
    ['ipv4', '01.2.3.4', false],
    ['ipv6', '::1', true],
    ['ipv6', '1.2.3.4', false],
    ['uuid', '123E4567E89B12D3A456426614174000', true],
    ['uuid4', '123e4567-e89b-12d3-a456-426614174000', false],
    ['isbn10', '0321751043', true],
    ['isbn13', '978-0321751041', true],
    ['k8s-short-name', 'abc', true],
    ['k8s-short-name', 'ABC', false],
    ['k8s-long-name', 'a.b-c', true],
  ];
  for (const [format, value, valid] of cases) {
    it(`${format} ${JSON.stringify(value)}`, () => assert.equal(formatChecker(format)?.(value), valid));
  }
  it('formats kube does not validate are ignored', () => {
    for (const f of ['int32', 'int64', 'float', 'double', 'no-such-format']) assert.equal(formatChecker(f), undefined);
  });
});
