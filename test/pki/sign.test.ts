import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import forge from 'node-forge';
import { parseCertificate } from '../../src/pki/cert-info.js';
import { issueCertificate } from '../../src/pki/issue.js';
import { generateRSAKeyPairSync } from '../../src/pki/keys.js';
import { createCA, signClientCertificate } from '../../src/pki/sign.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('createCA and signClientCertificate', () => {
  const ca = createCA('Tëst CA');

  it('makes a self-signed CA that node accepts', () => {
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.ok(cert.checkIssued(cert) && cert.verify(cert.publicKey));
    assert.equal(parseCertificate(ca.certPem).commonName, 'Tëst CA');
    assert.match(ca.keyPem, /^-----BEGIN RSA PRIVATE KEY-----/);
  });

  it('signs a client certificate with every organization, non-ASCII names intact', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const client = signClientCertificate({
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      commonName: 'jane@example.com',
      organizations: ['dev', 'système:ops'],
      days: 7,
      now,
    });
    const info = parseCertificate(client.certPem);
    assert.equal(info.commonName, 'jane@example.com');
    assert.deepEqual(info.organizations, ['dev', 'système:ops']);
    assert.equal(info.issuerCommonName, 'Tëst CA');
    assert.equal(info.isCA, false);
    assert.equal(info.notAfter.getTime(), now.getTime() + 7 * DAY_MS);
    assert.ok(info.notBefore < now);
    const cert = new X509Certificate(client.certPem);
    const issuer = new X509Certificate(ca.certPem);
    assert.ok(cert.checkIssued(issuer) && cert.verify(issuer.publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(client.keyPem)));
  });

  it('never lets a certificate outlive its issuer', () => {
    const client = signClientCertificate({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName: 'x', days: 100_000 });
    assert.equal(parseCertificate(client.certPem).notAfter.getTime(), parseCertificate(ca.certPem).notAfter.getTime());
  });
});

describe('parseCertificate', () => {
  it('reads DNS and IP SANs, IPv6 in canonical form', () => {
    const pair = generateRSAKeyPairSync(1024);
    const cert = issueCertificate({
      subject: { commonName: 'srv' },
      publicKey: pair.publicKey,
      selfSigningKey: pair.privateKey,
      usage: 'server',
      dnsNames: ['a.example', '*.b.example'],
      ipAddresses: ['10.0.0.1', '2001:db8::1:0:0:1', '::ffff:a00:1'],
      now: new Date(),
      days: 1,
    });
    const pem = forge.pki.certificateToPem(cert);
    const info = parseCertificate(pem);
    assert.deepEqual(info.dnsNames, ['a.example', '*.b.example']);
    assert.deepEqual(info.ipAddresses, ['10.0.0.1', '2001:db8::1:0:0:1', '::ffff:a00:1']);
    assert.ok(new X509Certificate(pem).checkIP('2001:db8:0:0:1::1'));
  });

  it('reads a certificate whose key is not RSA (which forge itself refuses)', () => {
    // An EC certificate as node:crypto would receive it; forge cannot build one, so it is fixed text.
    const info = parseCertificate(EC_CERT);
    assert.equal(info.commonName, 'ec-test');
    assert.deepEqual(info.organizations, ['group-a', 'group-b']);
    assert.deepEqual(info.dnsNames, ['ec.example']);
    assert.deepEqual(info.ipAddresses, ['192.0.2.7']);
    assert.equal(info.isCA, true);
    assert.equal(info.notAfter.toISOString(), '2036-11-21T09:19:55.000Z');
    assert.throws(() => forge.pki.certificateFromPem(EC_CERT));
  });

  it('throws on text that is not a certificate', () => {
    assert.throws(() => parseCertificate('hello'));
    assert.throws(() => parseCertificate(createCA('k', { keyBits: 1024 }).keyPem), /no CERTIFICATE/);
    assert.throws(() => parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'));
  });
});

// openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj /O=group-a/O=group-b/CN=ec-test
//   -addext subjectAltName=DNS:ec.example,IP:192.0.2.7
const EC_CERT = `-----BEGIN CERTIFICATE-----
MIIB3jCCAYSgAwIBAgIUVIlkDD19vESO5H7Oi+IfljI/OWAwCgYIKoZIzj0EAwIw
NjEQMA4GA1UECgwHZ3JvdXAtYTEQMA4GA1UECgwHZ3JvdXAtYjEQMA4GA1UEAwwH
ZWMtdGVzdDAeFw0yNjExMjQwOTE5NTVaFw0zNjExMjEwOTE5NTVaMDYxEDAOBgNV
BAoMB2dyb3VwLWExEDAOBgNVBAoMB2dyb3VwLWIxEDAOBgNVBAMMB2VjLXRlc3Qw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARKiCVPkeqMiJCJiCcFXO3SBRLATO3V
e7RtDWBH57ge8Ilzh5XJNJMZwHsZSp/s1Og2ped4bdjKdxv2FY+PG9VSo3AwbjAd
BgNVHQ4EFgQUlHjxNHXxJyfOYDjAGxWbbn5moU0wHwYDVR0jBBgwFoAUlHjxNHXx
JyfOYDjAGxWbbn5moU0wDwYDVR0TAQH/BAUwAwEB/zAbBgNVHREEFDASggplYy5l
eGFtcGxlhwTAAAIHMAoGCCqGSM49BAMCA0gAMEUCIQDAL45PEVfHq7P+U6aRyq1V
MCA7Rwcsw0y1C0uXeAFZBQIgI7Hl7SLo34E9h7jN1V7LupW59qtgB4o4rMcmHiyI
frQ=
-----END CERTIFICATE-----
`;
