/**
 * kube's IP and CIDR libraries (apiserver pkg/cel/library/ip.go, cidr.go):
 * Go's netip parsing rules and error texts, written here since kube's
 * messages are netip's (dotted IPv4 only, no leading zeros; kube refuses
 * zones and IPv4-mapped IPv6), netip's classifications, and String()
 * (RFC 5952 for IPv6, by ipaddr.js).
 */
import ipaddr from 'ipaddr.js';
import { type CelFunc, type CelValue, celFunc, celMethod, CelScalar } from '@bufbuild/cel';
import { CIDR_DESC, IP_DESC, OpaqueType } from './opaque.js';

export interface IPAddr {
  bytes: readonly number[];
}
export interface Prefix {
  addr: IPAddr;
  bits: number;
}

const is4 = (a: IPAddr): boolean => a.bytes.length === 4;

/** netip's parseAddrError: the message, and where in the input it went wrong. */
class AddrError extends Error {
  constructor(input: string, msg: string, at = '') {
    super(`ParseAddr(${JSON.stringify(input)}): ${msg}${at !== '' ? ` (at ${JSON.stringify(at)})` : ''}`);
  }
}

/** netip's parseIPv4Fields over input[from, to): four dotted decimal octets, no leading zeros. */
function parseIPv4Fields(input: string, from: number, to: number): number[] {
  const s = input.slice(from, to);
  const fields: number[] = [];
  let val = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      if (digits === 1 && val === 0) throw new AddrError(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c.charCodeAt(0) - 48);
      digits++;
      if (val > 255) throw new AddrError(input, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') throw new AddrError(input, 'IPv4 field must have at least one digit', s.slice(i));
      if (fields.length === 3) throw new AddrError(input, 'IPv4 address too long');
      fields.push(val);
      val = 0;
      digits = 0;
    } else {
      throw new AddrError(input, 'unexpected character', s.slice(i));
    }
  }
  if (fields.length < 3) throw new AddrError(input, 'IPv4 address too short');
  fields.push(val);
  return fields;
}

const hexValue = (c: string | undefined): number => {
  if (c === undefined) return -1;
  const v = parseInt(c, 16);
  return /^[0-9a-fA-F]$/.test(c) ? v : -1;
};

/** netip's parseIPv6: groups of up to 4 hex digits, one `::`, an optional trailing IPv4, an optional zone. */
function parseIPv6(input: string): { addr: IPAddr; zone: string } {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') throw new AddrError(input, 'zone must be a non-empty string');
  }
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return { addr: { bytes: ip }, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const d = hexValue(s[off]);
      if (d < 0) break;
      if (off > 3) throw new AddrError(input, 'each group must have 4 or less digits', s);
      acc = acc * 16 + d;
    }
    if (off === 0) throw new AddrError(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) throw new AddrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      if (i + 4 > 16) throw new AddrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      const end = input.length - (zone.length > 0 ? zone.length + 1 : 0);
      parseIPv4Fields(input, end - s.length, end).forEach((b, k) => { ip[i + k] = b; });
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s === '') break;
    if (s[0] !== ':') throw new AddrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw new AddrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw new AddrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') throw new AddrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw new AddrError(input, 'address string too short');
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    for (let j = ellipsis; j < ellipsis + n; j++) ip[j] = 0;
  } else if (ellipsis >= 0) {
    throw new AddrError(input, 'the :: must expand to at least one field of zeros');
  }
  return { addr: { bytes: ip }, zone };
}

/** netip.ParseAddr: the first `.`, `:` or `%` says which form; throws netip's text. */
function parseAddrRaw(s: string): { addr: IPAddr; zone: string } {
  for (const c of s) {
    if (c === '.') return { addr: { bytes: parseIPv4Fields(s, 0, s.length) }, zone: '' };
    if (c === ':') return parseIPv6(s);
    if (c === '%') throw new AddrError(s, 'missing IPv6 address');
  }
  throw new AddrError(s, 'unable to parse IP');
}

const is4In6 = (a: IPAddr): boolean => a.bytes.length === 16 && a.bytes.slice(0, 10).every((b) => b === 0) && a.bytes[10] === 0xff && a.bytes[11] === 0xff;

/** kube's parseIPAddr. */
export function parseIP(raw: string): IPAddr {
  let parsed: { addr: IPAddr; zone: string };
  try {
    parsed = parseAddrRaw(raw);
  } catch (err) {
    throw new Error(`IP Address ${JSON.stringify(raw)} parse error during conversion from string: ${(err as Error).message}`);
  }
  if (parsed.zone !== '') throw new Error(`IP address ${JSON.stringify(raw)} with zone value is not allowed`);
  if (is4In6(parsed.addr)) throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`);
  return parsed.addr;
}

/** netip.Addr.String(): dotted IPv4, RFC 5952 IPv6. */
export function ipString(a: IPAddr): string {
  if (is4(a)) return a.bytes.join('.');
  return new ipaddr.IPv6([...a.bytes]).toRFC5952String();
}

const startsWith = (a: IPAddr, prefix: readonly number[], bits: number): boolean => {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((a.bytes[byte]! & mask) !== (prefix[byte]! & mask)) return false;
  }
  return true;
};
const allZero = (a: IPAddr): boolean => a.bytes.every((b) => b === 0);

export const isUnspecified = allZero;
export const isLoopback = (a: IPAddr): boolean => (is4(a) ? a.bytes[0] === 127 : a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1);
export const isMulticast = (a: IPAddr): boolean => (is4(a) ? startsWith(a, [224], 4) : a.bytes[0] === 0xff);
export const isLinkLocalMulticast = (a: IPAddr): boolean => (is4(a) ? startsWith(a, [224, 0, 0], 24) : startsWith(a, [0xff, 0x02], 16));
export const isLinkLocalUnicast = (a: IPAddr): boolean => (is4(a) ? startsWith(a, [169, 254], 16) : startsWith(a, [0xfe, 0x80], 10));
export function isGlobalUnicast(a: IPAddr): boolean {
  if (is4(a) && a.bytes.every((b) => b === 255)) return false;
  return !allZero(a) && !isLoopback(a) && !isMulticast(a) && !isLinkLocalUnicast(a);
}

/** kube's parseCIDR: netip.ParsePrefix, IPv4-mapped refused; both wrap the same prefix, as kube's text does. */
export function parseCIDR(raw: string): Prefix {
  const wrap = (msg: string): never => {
    throw new Error(`network address parse error during conversion from string: ${msg}`);
  };
  const fail = (msg: string): never => wrap(`netip.ParsePrefix(${JSON.stringify(raw)}): ${msg}`);
  const slash = raw.lastIndexOf('/');
  if (slash < 0) fail("no '/'");
  let parsed: { addr: IPAddr; zone: string } | undefined;
  try {
    parsed = parseAddrRaw(raw.slice(0, slash));
  } catch (err) {
    fail((err as Error).message);
  }
  const { addr, zone } = parsed!;
  if (zone !== '') fail('IPv6 zones cannot be present in a prefix');
  const bitsStr = raw.slice(slash + 1);
  // strconv.Atoi without sign or leading zeros; past int64 it fails.
  if (!/^(0|[1-9][0-9]*)$/.test(bitsStr) || bitsStr.length > 18) fail(`bad bits after slash: ${JSON.stringify(bitsStr)}`);
  const bits = Number(bitsStr);
  if (bits > addr.bytes.length * 8) fail('prefix length out of range');
  if (is4In6(addr)) wrap(`IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`);
  return { addr, bits };
}

/** kube's stringToCIDR wraps parseCIDR's error in the same words once more. */
function stringToCIDR(s: string): Prefix {
  try {
    return parseCIDR(s);
  } catch (err) {
    throw new Error(`network address parse error during conversion from string: ${(err as Error).message}`);
  }
}

export function masked(p: Prefix): Prefix {
  const bytes = p.addr.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, p.bits - i * 8));
    return b & (0xff << (8 - keep)) & 0xff;
  });
  return { addr: { bytes }, bits: p.bits };
}

export const containsIP = (p: Prefix, a: IPAddr): boolean => p.addr.bytes.length === a.bytes.length && startsWith(a, p.addr.bytes, p.bits);

/** kube's containsCIDR: the prefixes overlap and the other is at least as long. */
export const containsCIDR = (p: Prefix, o: Prefix): boolean =>
  p.addr.bytes.length === o.addr.bytes.length && o.bits >= p.bits && startsWith(o.addr, p.addr.bytes, p.bits);

export const cidrString = (p: Prefix): string => `${ipString(p.addr)}/${p.bits}`;

export const IP = new OpaqueType<IPAddr>(IP_DESC);
export const CIDR = new OpaqueType<Prefix>(CIDR_DESC);
const { STRING, BOOL, INT } = CelScalar;
const ipValue = (a: IPAddr) => IP.of(`${a.bytes.length}:${a.bytes.join('.')}`, a);
const cidrValue = (p: Prefix) => CIDR.of(`${p.addr.bytes.length}:${p.addr.bytes.join('.')}/${p.bits}`, p);
const ipOf = (v: unknown): IPAddr => IP.from(v as CelValue);
const cidrOf = (v: unknown): Prefix => CIDR.from(v as CelValue);
const valid = (parse: (s: string) => unknown) => (s: string): boolean => {
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
};

export const IP_LIBRARY: readonly CelFunc[] = [
  celFunc('ip', [STRING], IP.type, (s: string) => ipValue(parseIP(s))),
  celFunc('isIP', [STRING], BOOL, valid(parseIP)),
  celFunc('ip.isCanonical', [STRING], BOOL, (s: string) => ipString(parseIP(s)) === s),
  celFunc('string', [IP.type], STRING, (v) => ipString(ipOf(v))),
  celMethod('family', IP.type, [], INT, function () { return is4(ipOf(this)) ? 4n : 6n; }),
  celMethod('isUnspecified', IP.type, [], BOOL, function () { return isUnspecified(ipOf(this)); }),
  celMethod('isLoopback', IP.type, [], BOOL, function () { return isLoopback(ipOf(this)); }),
  celMethod('isLinkLocalMulticast', IP.type, [], BOOL, function () { return isLinkLocalMulticast(ipOf(this)); }),
  celMethod('isLinkLocalUnicast', IP.type, [], BOOL, function () { return isLinkLocalUnicast(ipOf(this)); }),
  celMethod('isGlobalUnicast', IP.type, [], BOOL, function () { return isGlobalUnicast(ipOf(this)); }),
  celFunc('cidr', [STRING], CIDR.type, (s: string) => cidrValue(stringToCIDR(s))),
  celFunc('isCIDR', [STRING], BOOL, valid(parseCIDR)),
  celFunc('string', [CIDR.type], STRING, (v) => cidrString(cidrOf(v))),
  celMethod('containsIP', CIDR.type, [STRING], BOOL, function (s: string) { return containsIP(cidrOf(this), parseIP(s)); }),
  celMethod('containsIP', CIDR.type, [IP.type], BOOL, function (v) { return containsIP(cidrOf(this), ipOf(v)); }),
  celMethod('containsCIDR', CIDR.type, [STRING], BOOL, function (s: string) { return containsCIDR(cidrOf(this), stringToCIDR(s)); }),
  celMethod('containsCIDR', CIDR.type, [CIDR.type], BOOL, function (v) { return containsCIDR(cidrOf(this), cidrOf(v)); }),
  celMethod('ip', CIDR.type, [], IP.type, function () { return ipValue(cidrOf(this).addr); }),
  celMethod('prefixLength', CIDR.type, [], INT, function () { return BigInt(cidrOf(this).bits); }),
  celMethod('masked', CIDR.type, [], CIDR.type, function () { return cidrValue(masked(cidrOf(this))); }),
];
