/**
 * IP addresses as they appear in certificate SANs: raw bytes (4 or 16), and one
 * canonical text form per address, so that "0:0:0:0:0:0:0:1" and "::1" compare equal.
 */
import { isIP } from 'node:net';

/**
 * The canonical text of an IP address (IPv6 as WHATWG URL prints it: lower case,
 * longest zero run compressed, no embedded IPv4), or null if `text` is not an IP
 * address that a SAN can hold (a zone index such as `%eth0` cannot be).
 */
export function canonicalIP(text: string): string | null {
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6 || text.includes('%')) return null;
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

/** The SAN bytes of a canonical IP address (from canonicalIP). */
export function ipToBytes(canonical: string): Buffer {
  if (isIP(canonical) === 4) return Buffer.from(canonical.split('.').map(Number));
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** The canonical text of SAN IP bytes, or null if they are neither 4 nor 16 bytes long. */
export function ipFromBytes(bytes: Uint8Array): string | null {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return null;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return canonicalIP(groups.join(':'));
}
