import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { ensurePKI, type PKIFiles, type PKIResult } from '../../src/pki/bootstrap.js';
import { parseCertificate } from '../../src/pki/cert-info.js';
import { createCA, signClientCertificate } from '../../src/pki/sign.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const ALL = ['ca', 'apiserver', 'client-ca', 'admin', 'front-proxy-ca', 'front-proxy-client'];
const LEAVES = ['apiserver', 'admin', 'front-proxy-client'];
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

// One generated directory serves every test; tests that damage or age it work on a copy.
let root: string;
let certDir: string;
let first: PKIResult;
let files: PKIFiles;
// The real time: the TLS handshake checks validity against the real clock.
const t0 = new Date();

const read = (path: string) => readFileSync(path, 'utf8');
const x509 = (path: string) => new X509Certificate(readFileSync(path));
const mode = (path: string) => statSync(path).mode & 0o777;

function snapshot(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((name) => [name, read(join(dir, name))]));
}

let copies = 0;
function copyOfPKI(): string {
  const dir = join(root, `copy-${++copies}`);
  cpSync(certDir, dir, { recursive: true });
  return dir;
}

/** The files of a result, re-rooted at another directory with the same layout. */
function filesIn(dir: string): PKIFiles {
  return Object.fromEntries(Object.entries(files).map(([k, p]) => [k, p.replace(certDir, dir)])) as unknown as PKIFiles;
}

function issuedBy(leafPath: string, caPath: string): boolean {
  const leaf = x509(leafPath);
  const ca = x509(caPath);
  return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'frontdoor-pki-'));
  certDir = join(root, 'pki');
  first = await ensurePKI({ certDir, hosts: [], now: () => t0 });
  files = first.files;
});

after(() => rmSync(root, { recursive: true, force: true }));

describe('ensurePKI: first start', () => {
  it('generates every CA and certificate', () => {
    assert.deepEqual(first.generated, ALL);
    assert.deepEqual(first.renewed, []);
  });

  it('writes the directory 0700, keys 0600, certificates 0644, and nothing else', () => {
    assert.equal(mode(certDir), 0o700);
    const expected = ALL.flatMap((n) => [`${n}.crt`, `${n}.key`]).sort();
    assert.deepEqual(readdirSync(certDir).sort(), expected);
    for (const [name, path] of Object.entries(files)) {
      assert.ok(path.startsWith(certDir + '/'), `${name} is absolute under certDir`);
      assert.equal(mode(path), name.endsWith('Key') ? 0o600 : 0o644, name);
    }
  });

  it('makes self-signed 10-year CAs that may sign certificates', () => {
    for (const path of [files.caCert, files.clientCACert, files.frontProxyCACert]) {
      const cert = x509(path);
      assert.equal(cert.ca, true);
      assert.ok(issuedBy(path, path), 'self-signed');
      const parsed = forge.pki.certificateFromPem(read(path));
      const ku = parsed.getExtension('keyUsage') as { keyCertSign?: boolean; cRLSign?: boolean; digitalSignature?: boolean };
      assert.deepEqual([ku.keyCertSign, ku.cRLSign, ku.digitalSignature], [true, true, true]);
      const days = (parseCertificate(read(path)).notAfter.getTime() - t0.getTime()) / DAY_MS;
      assert.ok(days > 3649 && days <= 3650, `CA valid ${days} days`);
    }
  });

  it('signs 1-year leaves with SHA-256, random positive serials and key identifiers', () => {
    const serials = new Set<string>();
    for (const path of Object.values(files).filter((p) => p.endsWith('.crt'))) {
      const cert = forge.pki.certificateFromPem(read(path));
      assert.equal(cert.signatureOid, SHA256_WITH_RSA);
      assert.ok(parseInt(cert.serialNumber.slice(0, 2), 16) < 0x80, 'serial is positive');
      serials.add(cert.serialNumber);
      const ski = cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
      assert.ok(ski?.subjectKeyIdentifier, `${path} has a subjectKeyIdentifier`);
      assert.ok(cert.getExtension('authorityKeyIdentifier'), `${path} has an authorityKeyIdentifier`);
    }
    assert.equal(serials.size, 6);
    for (const path of [files.servingCert, files.adminCert, files.proxyClientCert]) {
      const info = parseCertificate(read(path));
      assert.equal(info.isCA, false);
      const days = (info.notAfter.getTime() - t0.getTime()) / DAY_MS;
      assert.ok(days > 364 && days <= 365, `leaf valid ${days} days`);
    }
  });

  it('gives the serving certificate serverAuth and SANs for loopback and this host', () => {
    const info = parseCertificate(read(files.servingCert));
    for (const dns of ['localhost', hostname().toLowerCase()]) assert.ok(info.dnsNames.includes(dns), dns);
    for (const ip of ['127.0.0.1', '::1']) assert.ok(info.ipAddresses.includes(ip), ip);
    const eku = forge.pki.certificateFromPem(read(files.servingCert)).getExtension('extKeyUsage') as { serverAuth?: boolean };
    assert.equal(eku.serverAuth, true);
    assert.ok(issuedBy(files.servingCert, files.caCert));
    assert.ok(x509(files.servingCert).checkHost('localhost'));
    assert.ok(x509(files.servingCert).checkIP('::1'));
  });

  it('makes the admin a system:masters client signed by the client CA only', () => {
    const info = parseCertificate(read(files.adminCert));
    assert.equal(info.commonName, 'admin');
    assert.deepEqual(info.organizations, ['system:masters']);
    const eku = forge.pki.certificateFromPem(read(files.adminCert)).getExtension('extKeyUsage') as {
      clientAuth?: boolean;
      serverAuth?: boolean;
    };
    assert.equal(eku.clientAuth, true);
    assert.notEqual(eku.serverAuth, true);
    assert.ok(issuedBy(files.adminCert, files.clientCACert));
    assert.ok(!issuedBy(files.adminCert, files.caCert));
  });

  it('makes front-proxy-client a client signed by the front-proxy CA', () => {
    const info = parseCertificate(read(files.proxyClientCert));
    assert.equal(info.commonName, 'front-proxy-client');
    assert.ok(issuedBy(files.proxyClientCert, files.frontProxyCACert));
    assert.ok(!issuedBy(files.proxyClientCert, files.clientCACert));
  });

  it('pairs every certificate with its key', () => {
    const pairs: [string, string][] = [
      [files.caCert, files.caKey],
      [files.servingCert, files.servingKey],
      [files.clientCACert, files.clientCAKey],
      [files.adminCert, files.adminKey],
      [files.frontProxyCACert, files.frontProxyCAKey],
      [files.proxyClientCert, files.proxyClientKey],
    ];
    for (const [cert, key] of pairs) assert.ok(x509(cert).checkPrivateKey(createPrivateKeyFrom(key)), cert);
  });
});

describe('ensurePKI: certificates are usable', () => {
  it('completes a mutual-TLS handshake between the serving and the admin certificate', async () => {
    const { serverSawCN, clientAuthorized } = await handshake({
      cert: read(files.adminCert),
      key: read(files.adminKey),
    });
    assert.equal(clientAuthorized, true);
    assert.equal(serverSawCN, 'admin');
  });

  it('refuses a client certificate from a foreign CA', async () => {
    const foreign = createCA('foreign-ca');
    const client = signClientCertificate({
      caCertPem: foreign.certPem,
      caKeyPem: foreign.keyPem,
      commonName: 'admin',
      organizations: ['system:masters'],
    });
    const result = await handshake({ cert: client.certPem, key: client.keyPem });
    assert.equal(result.serverSawCN, undefined);
    assert.equal(result.clientAuthorized, false);
  });
});

describe('ensurePKI: later starts', () => {
  it('reuses everything and rewrites nothing', async () => {
    const before = snapshot(certDir);
    const again = await ensurePKI({ certDir, hosts: [], now: () => t0 });
    assert.deepEqual(again.generated, []);
    assert.deepEqual(again.renewed, []);
    assert.deepEqual(again.files, files);
    assert.deepEqual(snapshot(certDir), before);
  });

  it('re-issues only the serving certificate, with its key, when a SAN is added', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    const before = snapshot(dir);
    const result = await ensurePKI({ certDir: dir, hosts: ['API.Example.com', ' 10.1.2.3 ', '2001:DB8::0:1', ''], now: () => t0 });
    assert.deepEqual(result.generated, []);
    assert.deepEqual(result.renewed, ['apiserver']);
    const info = parseCertificate(read(f.servingCert));
    assert.ok(info.dnsNames.includes('api.example.com'));
    assert.ok(info.ipAddresses.includes('10.1.2.3'));
    assert.ok(info.ipAddresses.includes('2001:db8::1'));
    assert.ok(info.dnsNames.includes('localhost') && info.ipAddresses.includes('127.0.0.1'));
    assert.ok(x509(f.servingCert).checkIP('10.1.2.3'));
    assert.ok(issuedBy(f.servingCert, f.caCert));
    assert.ok(x509(f.servingCert).publicKey.equals(x509(files.servingCert).publicKey));
    const after = snapshot(dir);
    for (const [name, content] of before) {
      if (name === 'apiserver.crt') assert.notEqual(after.get(name), content);
      else assert.equal(after.get(name), content, name);
    }
    // The same hosts again: nothing to do.
    const again = await ensurePKI({ certDir: dir, hosts: ['10.1.2.3', 'api.example.com', '2001:db8::1'], now: () => t0 });
    assert.deepEqual([again.generated, again.renewed], [[], []]);
  });

  it('renews the leaves, not the CAs, when they near expiry (11.5 months on)', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    const later = new Date(t0.getTime() + 350 * DAY_MS);
    const before = snapshot(dir);
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => later });
    assert.deepEqual(result.generated, []);
    assert.deepEqual(result.renewed, LEAVES);
    const after = snapshot(dir);
    for (const name of ['ca', 'client-ca', 'front-proxy-ca']) {
      assert.equal(after.get(`${name}.crt`), before.get(`${name}.crt`), name);
    }
    for (const name of LEAVES) {
      assert.notEqual(after.get(`${name}.crt`), before.get(`${name}.crt`), name);
      assert.equal(after.get(`${name}.key`), before.get(`${name}.key`), `${name} keeps its key`);
    }
    assert.ok(issuedBy(f.servingCert, f.caCert));
    assert.ok(issuedBy(f.adminCert, f.clientCACert));
    assert.ok(issuedBy(f.proxyClientCert, f.frontProxyCACert));
    assert.ok(x509(f.servingCert).publicKey.equals(x509(files.servingCert).publicKey));
    const days = (parseCertificate(read(f.servingCert)).notAfter.getTime() - later.getTime()) / DAY_MS;
    assert.ok(days > 364 && days <= 365, `renewed leaf valid ${days} days`);
    // One month earlier nothing was due.
    const dir2 = copyOfPKI();
    const early = await ensurePKI({ certDir: dir2, hosts: [], now: () => new Date(t0.getTime() + 320 * DAY_MS) });
    assert.deepEqual([early.generated, early.renewed], [[], []]);
  });

  it('honours renewBeforeDays', async () => {
    const dir = copyOfPKI();
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => t0, renewBeforeDays: 366 });
    assert.deepEqual(result.renewed, LEAVES);
  });

  it('renews an expiring CA with its key and subject, then re-issues what it signed', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    const later = new Date(t0.getTime() + 3640 * DAY_MS);
    const before = snapshot(dir);
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => later });
    assert.deepEqual(result.generated, []);
    assert.deepEqual(result.renewed, ALL);
    const after = snapshot(dir);
    for (const name of ALL) {
      assert.notEqual(after.get(`${name}.crt`), before.get(`${name}.crt`), name);
      assert.equal(after.get(`${name}.key`), before.get(`${name}.key`), `${name} keeps its key`);
    }
    assert.equal(parseCertificate(read(f.caCert)).commonName, 'frontdoor-ca');
    assert.ok(issuedBy(f.servingCert, f.caCert));
    // The old CA certificate still verifies what the renewed one signs (same key and name).
    assert.ok(issuedBy(f.servingCert, files.caCert));
    assert.ok(issuedBy(f.adminCert, f.clientCACert));
    // A renewed leaf never outlives its CA.
    const caNotAfter = parseCertificate(read(f.caCert)).notAfter.getTime();
    assert.ok(parseCertificate(read(f.servingCert)).notAfter.getTime() <= caNotAfter);
  });
});

describe('ensurePKI: repairs', () => {
  it('regenerates a corrupt CA with a new key and re-issues its leaves with their keys', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    const before = snapshot(dir);
    writeFileSync(f.clientCACert, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n');
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => t0 });
    assert.deepEqual(result.generated, ['client-ca']);
    assert.deepEqual(result.renewed, ['admin']);
    const after = snapshot(dir);
    assert.notEqual(after.get('client-ca.key'), before.get('client-ca.key'));
    assert.equal(after.get('admin.key'), before.get('admin.key'));
    assert.ok(issuedBy(f.adminCert, f.clientCACert));
    assert.ok(!issuedBy(f.adminCert, files.clientCACert));
    for (const name of ['ca.crt', 'apiserver.crt', 'front-proxy-ca.crt', 'front-proxy-client.crt']) {
      assert.equal(after.get(name), before.get(name), name);
    }
  });

  it('regenerates a CA whose key was lost, and everything it signed', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    unlinkSync(f.frontProxyCAKey);
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => t0 });
    assert.deepEqual(result.generated, ['front-proxy-ca']);
    assert.deepEqual(result.renewed, ['front-proxy-client']);
    assert.ok(issuedBy(f.proxyClientCert, f.frontProxyCACert));
    assert.ok(x509(f.frontProxyCACert).checkPrivateKey(createPrivateKeyFrom(f.frontProxyCAKey)));
  });

  it('gives a leaf whose key is missing a new key and certificate', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    unlinkSync(f.adminKey);
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => t0 });
    assert.deepEqual([result.generated, result.renewed], [['admin'], []]);
    assert.equal(mode(f.adminKey), 0o600);
    assert.ok(x509(f.adminCert).checkPrivateKey(createPrivateKeyFrom(f.adminKey)));
    assert.ok(!x509(f.adminCert).publicKey.equals(x509(files.adminCert).publicKey));
  });

  it('re-issues a truncated leaf certificate with the existing key', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    const pem = read(f.servingCert);
    writeFileSync(f.servingCert, pem.slice(0, pem.length / 2));
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => t0 });
    assert.deepEqual([result.generated, result.renewed], [['apiserver'], []]);
    assert.ok(x509(f.servingCert).publicKey.equals(x509(files.servingCert).publicKey));
    assert.ok(issuedBy(f.servingCert, f.caCert));
  });

  it('re-issues a leaf that another CA signed', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    // The admin certificate swapped for one from the cluster CA (wrong CA), with the same key.
    const forgeCA = { cert: forge.pki.certificateFromPem(read(f.caCert)), key: forge.pki.privateKeyFromPem(read(f.caKey)) };
    const admin = forge.pki.certificateFromPem(read(f.adminCert));
    admin.setIssuer(forgeCA.cert.subject.attributes);
    admin.sign(forgeCA.key, forge.md.sha256.create());
    writeFileSync(f.adminCert, forge.pki.certificateToPem(admin));
    assert.ok(x509(f.adminCert).verify(x509(f.caCert).publicKey));
    assert.ok(!issuedBy(f.adminCert, f.clientCACert));
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => t0 });
    assert.deepEqual([result.generated, result.renewed], [[], ['admin']]);
    assert.ok(issuedBy(f.adminCert, f.clientCACert));
  });

  it('tightens the mode of an existing key without rewriting it', async () => {
    const dir = copyOfPKI();
    const f = filesIn(dir);
    chmodSync(f.adminKey, 0o644);
    chmodSync(f.caKey, 0o640);
    const before = snapshot(dir);
    const result = await ensurePKI({ certDir: dir, hosts: [], now: () => t0 });
    assert.deepEqual([result.generated, result.renewed], [[], []]);
    assert.equal(mode(f.adminKey), 0o600);
    assert.equal(mode(f.caKey), 0o600);
    assert.deepEqual(snapshot(dir), before);
  });

  it('refuses an extra SAN that is neither an IP nor a DNS name', async () => {
    await assert.rejects(ensurePKI({ certDir: copyOfPKI(), hosts: ['https://example.com'], now: () => t0 }), /invalid extra SAN/);
  });
});

function createPrivateKeyFrom(path: string): KeyObject {
  return createPrivateKey(readFileSync(path));
}

/**
 * A TLS server with the serving certificate that demands a client certificate from
 * the client CA, on 127.0.0.1 port 0, and one client connection to it.
 */
async function handshake(client: { cert: string; key: string }): Promise<{ serverSawCN?: string; clientAuthorized: boolean }> {
  let serverSawCN: string | undefined;
  const server = createServer(
    {
      cert: read(files.servingCert),
      key: read(files.servingKey),
      ca: read(files.clientCACert),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket: TLSSocket) => {
      const cn = socket.getPeerCertificate().subject?.CN;
      if (socket.authorized) serverSawCN = Array.isArray(cn) ? cn.join(',') : cn;
      socket.end('ok');
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  try {
    const clientAuthorized = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: address.port, ca: read(files.caCert), ...client });
      let authorized = false;
      let body = '';
      socket.on('secureConnect', () => (authorized = socket.authorized));
      socket.on('data', (chunk: Buffer) => (body += chunk.toString()));
      // TLS 1.3 reports a refused client certificate after the handshake, as an error or a close.
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(authorized && body === 'ok'));
    });
    return { serverSawCN, clientAuthorized };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
