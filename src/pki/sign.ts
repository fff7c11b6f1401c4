/**
 * One-off helpers over issue.ts for callers that want PEM in and PEM out: a
 * self-signed CA, and a client certificate signed by a given CA (tests use it for
 * non-admin users and for certificates from a foreign CA). Synchronous, so they
 * work with or without `await`.
 */
import forge from 'node-forge';
import { issueCertificate } from './issue.js';
import { DEFAULT_KEY_BITS, generateRSAKeyPairSync, keyPairFromPem, privateKeyToPem } from './keys.js';

export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 365;

export interface SignOptions {
  days?: number;
  now?: Date;
  keyBits?: number;
}

/** A new self-signed CA (10 years by default). */
export function createCA(commonName: string, opts: SignOptions = {}): CertAndKey {
  const pair = generateRSAKeyPairSync(opts.keyBits ?? DEFAULT_KEY_BITS);
  const cert = issueCertificate({
    subject: { commonName },
    publicKey: pair.publicKey,
    selfSigningKey: pair.privateKey,
    usage: 'ca',
    now: opts.now ?? new Date(),
    days: opts.days ?? CA_VALIDITY_DAYS,
  });
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyToPem(pair.privateKey) };
}

export interface ClientCertificateOptions extends SignOptions {
  caCertPem: string;
  caKeyPem: string;
  commonName: string;
  organizations?: string[];
}

/** A new key and a clientAuth certificate for it (1 year by default), signed by the given CA. */
export function signClientCertificate(opts: ClientCertificateOptions): CertAndKey {
  const ca = { cert: forge.pki.certificateFromPem(opts.caCertPem), key: keyPairFromPem(opts.caKeyPem).privateKey };
  const pair = generateRSAKeyPairSync(opts.keyBits ?? DEFAULT_KEY_BITS);
  const cert = issueCertificate({
    subject: { commonName: opts.commonName, organizations: opts.organizations ?? [] },
    publicKey: pair.publicKey,
    issuer: ca,
    usage: 'client',
    now: opts.now ?? new Date(),
    days: opts.days ?? LEAF_VALIDITY_DAYS,
  });
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyToPem(pair.privateKey) };
}
