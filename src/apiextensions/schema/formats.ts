import { isIP } from 'node:net';
import { isDNS1123Label, isDNS1123Subdomain } from '../../apimachinery/validation/names.js';

/**
 * The string formats kube validates in custom resources (apiserver/validation
 * formats.go's supported list, checked by kube-openapi's strfmt registry).
 * Any other format is ignored, as kube strips it before validating. Names are
 * matched the way go-openapi normalizes them: dashes removed ("date-time" is
 * "datetime"). Each checker follows the Go parser strfmt uses, as closely as
 * a regular expression allows.
 */
export type FormatChecker = (value: string) => boolean;

const re = (pattern: RegExp): FormatChecker => (v) => pattern.test(v);

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const ISBN10 = /^(?:[0-9]{9}X|[0-9]{10})$/;
const ISBN13 = /^(?:[0-9]{13})$/;
const CREDIT_CARD =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;
const SSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const HEX_COLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const RGB_COLOR = /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;
// strfmt's hostname: RFC 1123 labels joined by dots, 255 bytes at most, an optional final dot.
const HOSTNAME = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
// net/mail.ParseAddress accepts far more (display names, quoted local parts); this is its common core.
const EMAIL = /^(?:[^<>()[\]\\.,;:\s@"]+(?:\.[^<>()[\]\\.,;:\s@"]+)*|"[^"]*")@[^\s@<>()[\]\\,;:"]+$/u;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BSON_OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const MAC = /^(?:[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){7}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){19}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){3}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){9})$/;
// Go's time.ParseDuration, or strfmt's fallback ("3 days", "22 ns").
const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/u;
const SCALA_DURATION = /^(\d+)\s*(ns|nano|nanos|nanosecond|nanoseconds|us|µs|micro|micros|microsecond|microseconds|ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|wk|wks|week|weeks)$/u;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// strfmt.ParseDateTime tries RFC 3339 with and without fractions, and the same without a zone offset.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/;

function validDate(v: string): boolean {
  const m = DATE.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

function validDateTime(v: string): boolean {
  const m = DATE_TIME.exec(v);
  if (!m || !validDate(m[1]!)) return false;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
}

const isIPv4 = (v: string): boolean => !v.includes('%') && isIP(v) !== 0 && v.includes('.');
const isIPv6 = (v: string): boolean => !v.includes('%') && isIP(v) !== 0 && v.includes(':');

function validCIDR(v: string): boolean {
  const slash = v.indexOf('/');
  if (slash < 0) return false;
  const ip = v.slice(0, slash);
  const bits = v.slice(slash + 1);
  const family = v.includes('%') ? 0 : isIP(ip);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  // An IPv4-mapped address written in IPv4 form still counts 32 bits, as Go's ParseCIDR.
  return Number(bits) <= (family === 4 ? 32 : 128);
}

// net/url.ParseRequestURI: an absolute URI, or an absolute path; no fragment-only or relative forms.
function validURI(v: string): boolean {
  if (v === '' || /[\s\x00-\x1f\x7f]/.test(v)) return false;
  if (v.startsWith('/')) return true;
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v);
}

function validISBN(v: string): boolean {
  const s = v.replace(/[\s-]/g, '');
  if (ISBN10.test(s)) {
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (i + 1) * Number(s[i]);
    sum += s[9] === 'X' ? 100 : 10 * Number(s[9]);
    return sum % 11 === 0;
  }
  if (ISBN13.test(s)) {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += Number(s[i]) * (i % 2 === 0 ? 1 : 3);
    return (10 - (sum % 10)) % 10 === Number(s[12]);
  }
  return false;
}

const lowerDNS = (check: (v: string) => string[]): FormatChecker => (v) => check(v).length === 0;

const FORMATS: ReadonlyMap<string, FormatChecker> = new Map<string, FormatChecker>([
  ['bsonobjectid', re(BSON_OBJECT_ID)],
  ['uri', validURI],
  ['email', re(EMAIL)],
  ['hostname', (v) => v.length <= 255 && HOSTNAME.test(v)],
  ['ipv4', isIPv4],
  ['ipv6', isIPv6],
  ['cidr', validCIDR],
  ['mac', re(MAC)],
  ['uuid', re(UUID)],
  ['uuid3', re(UUID3)],
  ['uuid4', re(UUID4)],
  ['uuid5', re(UUID5)],
  ['isbn', validISBN],
  ['isbn10', (v) => ISBN10.test(v.replace(/[\s-]/g, '')) && validISBN(v)],
  ['isbn13', (v) => ISBN13.test(v.replace(/[\s-]/g, '')) && validISBN(v)],
  ['creditcard', (v) => CREDIT_CARD.test(v.replace(/\D/g, ''))],
  ['ssn', re(SSN)],
  ['hexcolor', re(HEX_COLOR)],
  ['rgbcolor', re(RGB_COLOR)],
  ['byte', re(BASE64)],
  ['password', () => true],
  ['date', validDate],
  ['duration', (v) => GO_DURATION.test(v) || SCALA_DURATION.test(v)],
  ['datetime', validDateTime],
  ['k8sshortname', lowerDNS(isDNS1123Label)],
  ['k8slongname', lowerDNS(isDNS1123Subdomain)],
]);

/** The checker for a format as a schema names it, or undefined for a format kube ignores. */
export function formatChecker(format: string): FormatChecker | undefined {
  return FORMATS.get(format.replaceAll('-', ''));
}
