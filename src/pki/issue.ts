/**
 * Builds and signs X.509 certificates with forge, in three profiles: a CA, a TLS
 * server and a TLS client. Every certificate is v3, SHA-256 signed, with a random
 * positive serial and subject/authority key identifiers.
 */
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { ipToBytes } from './ip.js';

export type CertificateUsage = 'ca' | 'server' | 'client';

export interface Subject {
  commonName: string;
  /** Each becomes one O attribute, in order (kube reads them as the user's groups). */
  organizations?: string[];
}

export interface Issuer {
  /** Parsed from PEM (forge.pki.certificateFromPem), so that its name attributes hold DER bytes. */
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export interface CertificateRequest {
  subject: Subject;
  publicKey: forge.pki.rsa.PublicKey;
  usage: CertificateUsage;
  /** The signing CA; omitted for a self-signed certificate, which `selfSigningKey` signs. */
  issuer?: Issuer;
  selfSigningKey?: forge.pki.rsa.PrivateKey;
  /** SANs, already validated: DNS names, and IPs in canonical form (see ip.ts). */
  dnsNames?: string[];
  ipAddresses?: string[];
  now: Date;
  days: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** notBefore is backdated a little so that a peer whose clock lags accepts a fresh certificate. */
const BACKDATE_MS = 5 * 60 * 1000;

// forge's typings declare valueTagClass as an asn1.Class, but forge reads it as the value's asn1.Type.
const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;

/** Issues a certificate for `req.publicKey`; its notAfter never passes the issuer's. */
export function issueCertificate(req: CertificateRequest): forge.pki.Certificate {
  const signingKey = req.issuer?.key ?? req.selfSigningKey;
  if (!signingKey) throw new Error('issueCertificate: neither an issuer nor a self-signing key');

  const cert = forge.pki.createCertificate();
  cert.publicKey = req.publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(req.now.getTime() - BACKDATE_MS);
  let notAfter = new Date(req.now.getTime() + req.days * DAY_MS);
  if (req.issuer && req.issuer.cert.validity.notAfter < notAfter) notAfter = req.issuer.cert.validity.notAfter;
  cert.validity.notAfter = notAfter;

  const subject = subjectAttributes(req.subject);
  cert.setSubject(subject);
  // Copying the issuer's attributes as parsed keeps their original string types,
  // so the issuer name matches the CA's subject byte for byte.
  cert.setIssuer(req.issuer ? reencodable(req.issuer.cert.subject.attributes) : subject);

  const authorityKeyId = req.issuer ? issuerKeyIdentifier(req.issuer.cert) : keyIdentifier(req.publicKey);
  cert.setExtensions([
    ...usageExtensions(req),
    { name: 'subjectKeyIdentifier' }, // forge fills it in by the same method as keyIdentifier()
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId },
  ]);
  cert.sign(signingKey, forge.md.sha256.create());
  return cert;
}

function usageExtensions(req: CertificateRequest): object[] {
  if (req.usage === 'ca') {
    return [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ];
  }
  const exts: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    req.usage === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
  ];
  const altNames = [
    ...(req.dnsNames ?? []).map((value) => ({ type: 2, value })),
    // Raw bytes (binary string), so forge's own IP parser, which lacks some IPv6 forms, is not involved.
    ...(req.ipAddresses ?? []).map((ip) => ({ type: 7, value: ipToBytes(ip).toString('binary') })),
  ];
  if (altNames.length > 0) exts.push({ name: 'subjectAltName', altNames });
  return exts;
}

function subjectAttributes(subject: Subject): forge.pki.CertificateField[] {
  return [
    ...(subject.organizations ?? []).map((value) => ({ shortName: 'O', value, valueTagClass: UTF8 })),
    { shortName: 'CN', value: subject.commonName, valueTagClass: UTF8 },
  ];
}

/** Parsed name attributes hold UTF8String values as UTF-8 bytes, which forge would encode a second time. */
function reencodable(attrs: forge.pki.CertificateField[]): forge.pki.CertificateField[] {
  return attrs.map((a) =>
    a.valueTagClass === UTF8 && typeof a.value === 'string' ? { ...a, value: forge.util.decodeUtf8(a.value) } : a,
  );
}

/** A positive 128-bit serial whose DER form is minimal: first byte in 0x01..0x7f. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) || 0x01;
  return bytes.toString('hex');
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bit string (for RSA, the RSAPublicKey DER). */
function keyIdentifier(key: forge.pki.rsa.PublicKey): string {
  return forge.pki.getPublicKeyFingerprint(key, { type: 'RSAPublicKey', md: forge.md.sha1.create(), encoding: 'binary' });
}

/** The issuer's own subjectKeyIdentifier when it has one (it may use another method), else computed. */
function issuerKeyIdentifier(issuer: forge.pki.Certificate): string {
  const ext = issuer.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  if (ext?.subjectKeyIdentifier) return forge.util.hexToBytes(ext.subjectKeyIdentifier);
  return keyIdentifier(issuer.publicKey as forge.pki.rsa.PublicKey);
}
