/**
 * Ports, protocols and IP addresses as core/v1 validation checks them
 * (kube's util/validation IsValidPortNum, IsValidPortName, IsValidIP and
 * core validation's ValidateNonSpecialIP), with kube's messages.
 */
import { isIP } from 'node:net';
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { maxLenError } from '../../../apimachinery/validation/names.js';

/** Sorted, as kube's sets.List prints them in "supported values". */
export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** An IANA_SVC_NAME: at most 15 lower-case alphanumerics or '-', one letter at least, no '--', no '-' at the ends. */
export function isValidPortName(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** kube's ValidatePortNumOrName for an IntOrString such as targetPort. */
export function validatePortNumOrName(value: unknown, path: FieldPath): field.FieldError[] {
  if (typeof value === 'number') return isValidPortNum(value).map((msg) => field.invalid(path, value, msg));
  if (typeof value === 'string') return isValidPortName(value).map((msg) => field.invalid(path, value, msg));
  return [field.internalError(path, `unknown type: ${typeof value}`)];
}

/** Required, then one of TCP, UDP, SCTP. */
export function validateProtocol(value: unknown, path: FieldPath): field.FieldError[] {
  if (value === undefined || value === null || value === '') return [field.required(path)];
  if (typeof value !== 'string' || !(SUPPORTED_PORT_PROTOCOLS as readonly string[]).includes(value)) {
    return [field.notSupported(path, value, SUPPORTED_PORT_PROTOCOLS)];
  }
  return [];
}

export const INVALID_IP_MESSAGE = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** kube's IsValidIP. Node's parser is the check (kube's legacy parser also takes leading zeros; ours does not). */
export function isValidIP(value: string): string[] {
  return isIP(value) === 0 ? [INVALID_IP_MESSAGE] : [];
}

export const isIPv6String = (value: string): boolean => isIP(value) === 6;

function ipv4Octets(ip: string): number[] | undefined {
  if (isIP(ip) === 4) return ip.split('.').map(Number);
  // An IPv4-mapped IPv6 address is the IPv4 address to Go's net.IP.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1].split('.').map(Number) : undefined;
}

/** kube's ValidateNonSpecialIP: endpoints and external IPs may not be unspecified, loopback or link-local. */
export function validateNonSpecialIP(ip: string, path: FieldPath): field.FieldError[] {
  if (isIP(ip) === 0) return [field.invalid(path, ip, 'must be a valid IP address')];
  const errs: field.FieldError[] = [];
  const v4 = ipv4Octets(ip);
  const lower = ip.toLowerCase();
  const v6Unspecified = !v4 && /^[0:]+$/.test(lower);
  const v6Loopback = !v4 && /^[0:]*:0*1$/.test(lower) && lower.replace(/:/g, '').replace(/^0+/, '') === '1';
  if ((v4 && v4.every((o) => o === 0)) || v6Unspecified) errs.push(field.invalid(path, ip, 'may not be unspecified (0.0.0.0)'));
  if ((v4 && v4[0] === 127) || v6Loopback) {
    errs.push(field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  }
  if ((v4 && v4[0] === 169 && v4[1] === 254) || (!v4 && /^fe[89ab]/.test(lower))) {
    errs.push(field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if ((v4 && v4[0] === 224 && v4[1] === 0 && v4[2] === 0) || (!v4 && /^ff02:/.test(lower))) {
    errs.push(field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}
