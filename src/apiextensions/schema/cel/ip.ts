/**
 * kube's IP and CIDR libraries (apiserver pkg/cel/library/ip.go, cidr.go):
 * Go's netip parsing rules and texts (dotted IPv4 only, no leading zeros;
 * kube refuses zones and IPv4-mapped IPv6), netip's classifications and
 * String(). IPv6 syntax is read by ipaddr.js; the rest works on the bytes.
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

function parseIPv4(s: string): number[] {
  const fields = s.split('.');
  const out: number[] = [];
  for (const f of fields) {
    if (out.length === 4) throw new Error('IPv4 address too long');
    if (f === '') throw new Error(out.length === 0 && fields.length === 1 ? 'unable to parse IP' : 'IPv4 field must have at least one digit');
    const bad = /[^0-9]/.exec(f);
    if (bad) throw new Error(`unexpected character (at ${JSON.stringify(f.slice(bad.index) + fields.slice(out.length + 1).map((x) => `.${x}`).join(''))})`);
    if (f.length > 1 && f[0] === '0') throw new Error('IPv4 field has octet with leading zero');
    const v = Number(f);
    if (v > 255) throw new Error('IPv4 field has value >255');
    out.push(v);
  }
  if (out.length < 4) throw new Error('IPv4 address too short');
  return out;
}

/** netip.ParseAddr; `zone` is the IPv6 zone if any. Throws netip's text. */
function parseAddrRaw(s: string): { addr: IPAddr; zone: string } {
  const fail = (msg: string): never => {
    throw new Error(`ParseAddr(${JSON.stringify(s)}): ${msg}`);
  };
  if (s === '') fail('unable to parse IP');
  if (!s.includes(':')) {
    if (!s.includes('.')) fail('unable to parse IP');
    try {
      return { addr: { bytes: parseIPv4(s) }, zone: '' };
    } catch (err) {
      return fail((err as Error).message);
    }
  }
  const pct = s.indexOf('%');
  const zone = pct >= 0 ? s.slice(pct + 1) : '';
  if (pct >= 0 && zone === '') fail('zone must be a non-empty string');
  const body = pct >= 0 ? s.slice(0, pct) : s;
  // Embedded IPv4 must follow netip's dotted rules too.
  const dotted = /:([^:]*\.[^:]*)$/.exec(body);
  if (dotted) {
    try {
      parseIPv4(dotted[1]!);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  if (!ipaddr.IPv6.isValid(body)) fail('unable to parse IP');
  return { addr: { bytes: ipaddr.IPv6.parse(body).toByteArray() }, zone };
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
  if (!/^(0|[1-9][0-9]*)$/.test(bitsStr) || bitsStr.length > 4) fail(`bad bits after slash: ${JSON.stringify(bitsStr)}`);
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
