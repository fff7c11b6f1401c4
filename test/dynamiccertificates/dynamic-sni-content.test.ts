import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { certificateNames, DynamicSNIContent, parseNamedCertKey } from '../../src/dynamiccertificates/dynamic-sni-content.js';
import { buildNameMap, lookupName } from '../../src/dynamiccertificates/named-certificates.js';
import { discardLogger } from '../../src/observability/logger.js';
import { makeTempDir } from '../helpers/tmp.js';
import { newCA, newServingCert } from './helpers.js';

describe('parseNamedCertKey (--tls-sni-cert-key)', () => {
  it('reads cert,key and optional names', () => {
    assert.deepEqual(parseNamedCertKey('a.crt,a.key'), { certFile: 'a.crt', keyFile: 'a.key', names: [] });
    assert.deepEqual(parseNamedCertKey('/p/b.crt,/p/b.key:*.example.com, example.com'), {
      certFile: '/p/b.crt',
      keyFile: '/p/b.key',
      names: ['*.example.com', 'example.com'],
    });
  });
  it('refuses anything else', () => {
    for (const bad of ['a.crt', 'a.crt,a.key,c', ',a.key', 'a.crt,:x']) assert.throws(() => parseNamedCertKey(bad), /expected "cert,key"/, bad);
  });
});

describe('SNI names', () => {
  it('come from a hostname CN and the DNS SANs, never from an IP', () => {
    const ca = newCA('sni-ca');
    assert.deepEqual(certificateNames(newServingCert(ca, 'Host.Example.com', ['alt.example.com', '*.wild.example.com']).certPem), [
      'host.example.com',
      'alt.example.com',
      '*.wild.example.com',
    ]);
    assert.deepEqual(certificateNames(newServingCert(ca, '10.0.0.1', ['a.example.com']).certPem), ['a.example.com']);
    assert.deepEqual(certificateNames(newServingCert(ca, 'not a hostname', []).certPem), []);
  });

  it('DynamicSNIContent uses the flag names, else the current certificate', async () => {
    const tmp = await makeTempDir('dyncerts-sni-');
    try {
      const ca = newCA('sni-ca');
      const pair = newServingCert(ca, 'one.example.com', ['one.example.com', 'uno.example.com']);
      const certFile = join(tmp.path, 'sni.crt');
      const keyFile = join(tmp.path, 'sni.key');
      await writeFile(certFile, pair.certPem);
      await writeFile(keyFile, pair.keyPem);
      const derived = new DynamicSNIContent('sni-serving-cert', certFile, keyFile, [], { logger: discardLogger });
      assert.deepEqual(derived.sniNames(), [], 'nothing before the first load');
      await derived.runOnce();
      assert.deepEqual(derived.sniNames(), ['one.example.com', 'uno.example.com']);
      assert.equal(derived.hasExplicitNames, false);
      const flagged = new DynamicSNIContent('sni-serving-cert', certFile, keyFile, ['Other.Example.com'], { logger: discardLogger });
      assert.deepEqual(flagged.sniNames(), ['other.example.com']);
      assert.equal(flagged.hasExplicitNames, true);
    } finally {
      await tmp.remove();
    }
  });
});

describe('name map', () => {
  const map = buildNameMap([
    { names: ['a.example.com', '*.example.com'], explicit: false, value: 'first-derived' },
    { names: ['a.example.com', 'b.example.com'], explicit: false, value: 'second-derived' },
    { names: ['b.example.com'], explicit: true, value: 'flagged' },
  ]);
  it('lets flag names win, then earlier certificates', () => {
    assert.equal(lookupName(map, 'a.example.com'), 'first-derived');
    assert.equal(lookupName(map, 'b.example.com'), 'flagged');
  });
  it('tries the exact name, then the wildcard for the first label, case-insensitively', () => {
    assert.equal(lookupName(map, 'C.Example.COM.'), 'first-derived');
    assert.equal(lookupName(map, 'x.y.example.com'), undefined, 'a wildcard covers one label only');
    assert.equal(lookupName(map, 'example.com'), undefined);
    assert.equal(lookupName(map, ''), undefined);
  });
});
