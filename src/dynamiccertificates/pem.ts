/**
 * Parsing and checking of the PEM that dynamic contents accept. Every check
 * that can refuse new content lives here, so a provider only swaps content
 * that passed all of them: bad new content never replaces good old content.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';

export interface PEMBlock {
  type: string;
  /** The whole block, BEGIN and END lines included, newline-terminated. */
  pem: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** The PEM blocks in text, in order; text between blocks (comments) is ignored, as Go's pem.Decode does. */
export function pemBlocks(text: string): PEMBlock[] {
  return [...text.matchAll(BLOCK)].map((m) => ({ type: m[1]!, pem: `${m[0]}\n` }));
}

/** When a certificate stops being valid. Node 20's X509Certificate has validTo as text only. */
export function notAfter(cert: X509Certificate): Date {
  const date = new Date(cert.validTo);
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable notAfter ${JSON.stringify(cert.validTo)}`);
  return date;
}

export function notBefore(cert: X509Certificate): Date {
  const date = new Date(cert.validFrom);
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable notBefore ${JSON.stringify(cert.validFrom)}`);
  return date;
}

export function isExpired(cert: X509Certificate, now: Date): boolean {
  return notAfter(cert).getTime() < now.getTime();
}

/** Every block a CERTIFICATE that parses; at least one. */
export function parseCertificates(text: string): X509Certificate[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) throw new Error('no PEM data found');
  return blocks.map((block, i) => {
    if (block.type !== 'CERTIFICATE') throw new Error(`PEM block ${i + 1} is a ${block.type}, not a CERTIFICATE`);
    try {
      return new X509Certificate(block.pem);
    } catch (err) {
      throw new Error(`PEM block ${i + 1} is not a valid certificate: ${reason(err)}`);
    }
  });
}

/**
 * A CA bundle: certificates only. A bundle in which every certificate has
 * expired is refused; one that still holds a valid CA keeps its expired
 * neighbours, since operators rotate by appending the new CA before removing
 * the old one.
 */
export function parseCABundle(text: string, now: Date): X509Certificate[] {
  const certs = parseCertificates(text);
  if (certs.every((c) => isExpired(c, now))) {
    throw new Error(`every certificate in the CA bundle has expired (the last on ${certs.map(notAfter).sort((a, b) => b.getTime() - a.getTime())[0]!.toISOString()})`);
  }
  return certs;
}

export interface ParsedCertKey {
  /** Leaf first, then intermediates as given. */
  chain: X509Certificate[];
  key: KeyObject;
}

/** A certificate chain and its private key: the key must belong to the leaf, and the leaf must not have expired. */
export function parseCertKeyPair(certText: string, keyText: string, now: Date): ParsedCertKey {
  if (certText.trim() === '') throw new Error('the certificate file is empty');
  if (keyText.trim() === '') throw new Error('the key file is empty');
  let chain: X509Certificate[];
  try {
    chain = parseCertificates(certText);
  } catch (err) {
    throw new Error(`certificate: ${reason(err)}`);
  }
  const keyBlocks = pemBlocks(keyText);
  if (keyBlocks.length !== 1 || !/PRIVATE KEY$/.test(keyBlocks[0]!.type)) {
    throw new Error(`key: expected one PRIVATE KEY PEM block, found ${keyBlocks.length === 0 ? 'none' : keyBlocks.map((b) => b.type).join(', ')}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyBlocks[0]!.pem);
  } catch (err) {
    throw new Error(`key: not a readable private key: ${reason(err)}`);
  }
  const leaf = chain[0]!;
  // OpenSSL's X509_check_private_key: the key's public half must be the certificate's public key.
  if (!leaf.checkPrivateKey(key)) throw new Error('private key does not match public key in the certificate');
  if (isExpired(leaf, now)) throw new Error(`the certificate expired on ${notAfter(leaf).toISOString()}`);
  return { chain, key };
}

export function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
