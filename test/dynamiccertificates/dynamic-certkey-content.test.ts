import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DynamicCertKeyPairContent } from '../../src/dynamiccertificates/dynamic-certkey-content.js';
import { discardLogger } from '../../src/observability/logger.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';
import { capturingLogger, newCA, newClientCert, newServingCert, replaceByRename, serialOf, waitForReal, type TestCert } from './helpers.js';

const HOUR = 3_600_000;

describe('DynamicCertKeyPairContent', () => {
  let tmp: TempDir;
  let ca: TestCert;
  let first: TestCert;
  let second: TestCert;
  before(async () => {
    tmp = await makeTempDir('dyncerts-pair-');
    ca = newCA('serving-ca');
    first = newServingCert(ca, 'first.example.com');
    second = newServingCert(ca, 'second.example.com');
  });
  after(() => tmp.remove());

  const files = async (name: string, pair: TestCert) => {
    const certFile = join(tmp.path, `${name}.crt`);
    const keyFile = join(tmp.path, `${name}.key`);
    await writeFile(certFile, pair.certPem);
    await writeFile(keyFile, pair.keyPem);
    return { certFile, keyFile };
  };

  it('loads a pair, notifies on a real change only', async () => {
    const { certFile, keyFile } = await files('load', first);
    const content = new DynamicCertKeyPairContent('serving-cert', certFile, keyFile, { logger: discardLogger });
    let calls = 0;
    content.addListener({ enqueue: () => void calls++ });
    await content.runOnce();
    assert.deepEqual(content.currentCertKeyContent(), { cert: first.certPem, key: first.keyPem });
    assert.equal(content.currentCertificate()?.serialNumber.toUpperCase(), first.serial);
    assert.equal(content.name(), `serving-cert::${certFile}::${keyFile}`);
    await content.runOnce();
    assert.equal(calls, 1);
    // A chain (leaf then the CA) is accepted; the leaf is what the key must match.
    await writeFile(certFile, second.certPem + ca.certPem);
    await writeFile(keyFile, second.keyPem);
    await content.runOnce();
    assert.equal(calls, 2);
    assert.equal(serialOf(content.currentCertKeyContent().cert), second.serial);
  });

  it('refuses a key that does not match, an expired certificate, garbage and empty files, keeping the old pair', async () => {
    const { certFile, keyFile } = await files('refuse', first);
    const content = new DynamicCertKeyPairContent('serving-cert', certFile, keyFile, { logger: discardLogger });
    await content.runOnce();
    const expired = newServingCert(ca, 'expired', ['expired'], { now: new Date(Date.now() - 10 * 86_400_000), days: 1 });
    const cases: [string, string, string, RegExp][] = [
      ['key of another certificate', first.certPem, second.keyPem, /private key does not match public key/],
      ['expired certificate', expired.certPem, expired.keyPem, /the certificate expired on/],
      ['garbage certificate', 'garbage', first.keyPem, /certificate: no PEM data found/],
      ['garbage key', first.certPem, '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n', /key: not a readable private key/],
      ['a certificate as the key', first.certPem, first.certPem, /key: expected one PRIVATE KEY PEM block, found CERTIFICATE/],
      ['empty key', first.certPem, '', /the key file is empty/],
    ];
    for (const [what, cert, key, reason] of cases) {
      await writeFile(certFile, cert);
      await writeFile(keyFile, key);
      await assert.rejects(content.runOnce(), (err: Error) => {
        assert.match(err.message, reason, what);
        assert.ok(err.message.includes(certFile), `${what}: names the files`);
        return true;
      });
      assert.equal(content.currentCertKeyContent().cert, first.certPem, `${what}: old pair kept`);
    }
  });

  it('follows a rotation that writes the certificate before the key (mismatch in between is retried)', async () => {
    const { certFile, keyFile } = await files('rotate', first);
    const logger = capturingLogger();
    const content = new DynamicCertKeyPairContent('serving-cert', certFile, keyFile, { logger, resyncIntervalMs: HOUR });
    const abort = new AbortController();
    const done = content.run(abort.signal);
    try {
      await waitForReal('the first load', () => content.currentCertKeyContent().cert !== '');
      await replaceByRename(certFile, second.certPem);
      await waitForReal('the mismatch to be refused', () => logger.entries.some((e) => e.level === 'error' && /does not match/.test(String(e.fields.err))));
      assert.equal(content.currentCertKeyContent().cert, first.certPem, 'old pair serves while the key lags');
      await replaceByRename(keyFile, second.keyPem);
      await waitForReal('the new pair', () => content.currentCertKeyContent().key === second.keyPem);
      assert.equal(content.currentCertKeyContent().cert, second.certPem);
    } finally {
      abort.abort();
      await done;
    }
  });

  it('serves the front-proxy client certificate (--proxy-client-cert-file/--proxy-client-key-file) the same way', async () => {
    const proxyCA = newCA('front-proxy-ca');
    const a = newClientCert(proxyCA, 'front-proxy-client');
    const b = newClientCert(proxyCA, 'front-proxy-client');
    const { certFile, keyFile } = await files('proxy-client', a);
    const content = new DynamicCertKeyPairContent('aggregator-proxy-cert', certFile, keyFile, { logger: discardLogger, resyncIntervalMs: HOUR });
    let calls = 0;
    content.addListener({ enqueue: () => void calls++ });
    const abort = new AbortController();
    const done = content.run(abort.signal);
    try {
      await waitForReal('the first load', () => content.currentCertKeyContent().cert === a.certPem);
      await replaceByRename(keyFile, b.keyPem);
      await replaceByRename(certFile, b.certPem);
      await waitForReal('the rotated client pair', () => content.currentCertKeyContent().cert === b.certPem);
      assert.equal(content.currentCertKeyContent().key, b.keyPem);
      assert.equal(calls, 2);
    } finally {
      abort.abort();
      await done;
    }
  });
});
