/**
 * An SNI certificate from --tls-sni-cert-key (kube's DynamicSNIContent): a
 * dynamic cert/key pair plus the names it answers for. Names given on the
 * flag are used as they are; without them the names come from the current
 * certificate (its CN when that is a hostname, then its DNS SANs; never IPs,
 * which SNI cannot carry).
 */
import { isIP } from 'node:net';
import { parseCertificate } from '../pki/cert-info.js';
import { DynamicCertKeyPairContent } from './dynamic-certkey-content.js';
import type { DynamicFileOptions } from './file-content-controller.js';
import type { SNICertKeyContentProvider } from './interfaces.js';

export class DynamicSNIContent extends DynamicCertKeyPairContent implements SNICertKeyContentProvider {
  private readonly explicitNames: string[];

  constructor(purpose: string, certFile: string, keyFile: string, names: string[] = [], opts: DynamicFileOptions = {}) {
    super(purpose, certFile, keyFile, opts);
    this.explicitNames = names.map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  }

  /** Names from the flag; else from the certificate as last accepted ([] before the first load). */
  sniNames(): string[] {
    if (this.explicitNames.length > 0) return [...this.explicitNames];
    const pem = this.currentCertKeyContent().cert;
    return pem === '' ? [] : certificateNames(pem);
  }

  /** Whether the names came from the flag (they then win over names read from any certificate). */
  get hasExplicitNames(): boolean {
    return this.explicitNames.length > 0;
  }
}

/** The names a certificate is served for when none are given: a hostname-like CN, then DNS SANs. */
export function certificateNames(certPem: string): string[] {
  const info = parseCertificate(certPem);
  const names: string[] = [];
  const cn = info.commonName.toLowerCase();
  // An IP in the CN would make an IP-addressed client pick this certificate by mistake.
  if (cn !== '' && isIP(cn) === 0 && isHostnamePattern(cn)) names.push(cn);
  for (const dns of info.dnsNames) {
    const name = dns.toLowerCase();
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** "*", "*.example.com" or a DNS-1123 subdomain. */
function isHostnamePattern(name: string): boolean {
  if (name === '*') return true;
  const rest = name.startsWith('*.') ? name.slice(2) : name;
  return rest.length <= 253 && rest.split('.').every((l) => l.length <= 63 && LABEL.test(l));
}

export interface NamedCertKeyFlag {
  certFile: string;
  keyFile: string;
  names: string[];
}

/**
 * Parses one --tls-sni-cert-key value, kube's NamedCertKey: "cert,key" or
 * "cert,key:name1,name2" (names may be wildcards such as "*.example.com").
 */
export function parseNamedCertKey(value: string): NamedCertKeyFlag {
  const colon = value.indexOf(':');
  const files = (colon < 0 ? value : value.slice(0, colon)).split(',').map((s) => s.trim());
  const names = colon < 0 ? [] : value.slice(colon + 1).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (files.length !== 2 || files[0] === '' || files[1] === '') {
    throw new Error(`--tls-sni-cert-key ${JSON.stringify(value)}: expected "cert,key" or "cert,key:name1,name2"`);
  }
  return { certFile: files[0]!, keyFile: files[1]!, names };
}
