import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { CertPool } from '../../src/dynamiccertificates/cert-pool.js';
import { StaticCAContent } from '../../src/dynamiccertificates/static-content.js';
import { UnionCAContent } from '../../src/dynamiccertificates/union-ca-content.js';
import { newCA, newClientCert, newServingCert } from './helpers.js';

const x509 = (pem: string) => new X509Certificate(pem);

describe('CertPool.verify', () => {
  const root = newCA('root');
  const other = newCA('other');
  const pool = new CertPool([x509(root.certPem)]);

  it('accepts a client certificate the pool signed, returning the chain', () => {
    const chain = pool.verify(x509(newClientCert(root, 'alice').certPem));
    assert.deepEqual(chain.map((c) => c.subject), ['CN=alice', 'CN=root']);
  });

  it('refuses a foreign issuer, a serving-only certificate, and an expired one', () => {
    assert.throws(() => pool.verify(x509(newClientCert(other, 'mallory').certPem)), /unknown authority/);
    assert.throws(() => pool.verify(x509(newServingCert(root, 'server').certPem)), /incompatible key usage/);
    const alice = x509(newClientCert(root, 'alice').certPem);
    assert.throws(() => pool.verify(alice, [], new Date(Date.now() + 2 * 365 * 86_400_000)), /unknown authority/);
  });
});

describe('UnionCAContent', () => {
  it('joins the bundles and the pools', () => {
    const a = newCA('a');
    const b = newCA('b');
    const union = new UnionCAContent(new StaticCAContent('client-ca', a.certPem), new StaticCAContent('request-header', b.certPem));
    assert.equal(union.name(), 'client-ca,request-header');
    assert.equal(union.currentCABundleContent(), a.certPem + b.certPem);
    assert.equal(union.verifyOptions().roots.size, 2);
    union.verifyOptions().roots.verify(x509(newClientCert(b, 'proxy').certPem));
  });
});
