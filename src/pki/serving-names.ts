/**
 * The names the serving certificate must cover: loopback, this machine's host
 * name, and the operator's extra SANs (--tls-sans), each sorted into a DNS name
 * or an IP address by net.isIP.
 */
import { canonicalIP } from './ip.js';

export interface ServingNames {
  dnsNames: string[];
  /** Canonical text (see ip.ts). */
  ipAddresses: string[];
}

// RFC 1123 labels; a leading "*." wildcard label is allowed, as in --tls-sans.
const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/**
 * The serving names for `hosts` plus the defaults. Throws on an extra SAN that is
 * neither an IP address nor a DNS name: a typo there should stop start-up, not
 * silently produce a certificate clients reject. A host name that is not a valid
 * DNS name is left out instead.
 */
export function servingNames(hosts: readonly string[], hostname: string): ServingNames {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  const host = normalizeDNSName(hostname);
  if (host) dns.add(host);
  for (const raw of hosts) {
    const entry = raw.trim();
    if (entry === '') continue;
    const ip = canonicalIP(entry);
    const name = ip === null ? normalizeDNSName(entry) : null;
    if (ip !== null) ips.add(ip);
    else if (name !== null) dns.add(name);
    else throw new Error(`invalid extra SAN ${JSON.stringify(raw)}: neither an IP address nor a DNS name`);
  }
  return { dnsNames: [...dns], ipAddresses: [...ips] };
}

/** Whether a certificate's SANs include every wanted name (DNS names compared case-insensitively). */
export function coversNames(have: ServingNames, want: ServingNames): boolean {
  const dns = new Set(have.dnsNames.map((n) => n.toLowerCase()));
  const ips = new Set(have.ipAddresses);
  return want.dnsNames.every((n) => dns.has(n)) && want.ipAddresses.every((ip) => ips.has(ip));
}

function normalizeDNSName(text: string): string | null {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  return name.length <= 253 && DNS_NAME.test(name) ? name : null;
}
