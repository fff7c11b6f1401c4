import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalIP, ipFromBytes, ipToBytes } from '../../src/pki/ip.js';
import { coversNames, servingNames } from '../../src/pki/serving-names.js';

describe('canonicalIP and SAN bytes', () => {
  const cases: [string, string | null, string | null][] = [
    ['127.0.0.1', '127.0.0.1', '7f000001'],
    ['::1', '::1', '00000000000000000000000000000001'],
    ['0:0:0:0:0:0:0:1', '::1', '00000000000000000000000000000001'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1', '20010db8000000000001000000000001'],
    ['::ffff:10.0.0.1', '::ffff:a00:1', '00000000000000000000ffff0a000001'],
    ['::', '::', '00000000000000000000000000000000'],
    ['1::', '1::', '00010000000000000000000000000000'],
    ['fe80::1%eth0', null, null],
    ['1.2.3', null, null],
    ['example.com', null, null],
  ];
  for (const [input, canonical, hex] of cases) {
    it(`${input} → ${canonical}`, () => {
      assert.equal(canonicalIP(input), canonical);
      if (canonical === null || hex === null) return;
      assert.equal(ipToBytes(canonical).toString('hex'), hex);
      assert.equal(ipFromBytes(Buffer.from(hex, 'hex')), canonical);
    });
  }
  it('refuses SAN bytes of the wrong length', () => assert.equal(ipFromBytes(Buffer.alloc(5)), null));
});

describe('servingNames', () => {
  it('always has loopback and the host name, and sorts extra SANs by net.isIP', () => {
    const names = servingNames([' API.example.com. ', '10.0.0.9', '0:0::1', '*.apps.example.com', ''], 'MyHost');
    assert.deepEqual(names.dnsNames, ['localhost', 'myhost', 'api.example.com', '*.apps.example.com']);
    assert.deepEqual(names.ipAddresses, ['127.0.0.1', '::1', '10.0.0.9']);
  });

  it('leaves out a host name that is not a DNS name', () => {
    assert.deepEqual(servingNames([], 'bad_host').dnsNames, ['localhost']);
  });

  for (const bad of ['https://example.com', 'a..b', '-a.example', 'a b', 'fe80::1%eth0']) {
    it(`refuses the extra SAN ${JSON.stringify(bad)}`, () => {
      assert.throws(() => servingNames([bad], 'h'), /invalid extra SAN/);
    });
  }
});

describe('coversNames', () => {
  const want = { dnsNames: ['localhost', 'api.example.com'], ipAddresses: ['127.0.0.1', '::1'] };
  it('is true for a superset, DNS names compared case-insensitively', () => {
    assert.ok(coversNames({ dnsNames: ['API.example.com', 'localhost', 'x'], ipAddresses: ['::1', '127.0.0.1', '10.0.0.1'] }, want));
  });
  it('is false when one name or address is missing', () => {
    assert.ok(!coversNames({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] }, want));
    assert.ok(!coversNames({ dnsNames: ['localhost', 'api.example.com'], ipAddresses: ['127.0.0.1'] }, want));
  });
});
