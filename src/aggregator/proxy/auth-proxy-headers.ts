/**
 * Who the backend is told the user is (client-go's SetAuthProxyHeaders),
 * and the client's own credentials and identity claims taken out first: the
 * backend trusts X-Remote-* only because the proxy's client certificate
 * vouches for them, so nothing a client wrote may survive under those names.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from '../../auth/user.js';

/** The names this server's own requestheader authentication reads (--requestheader-*), also removed. */
export interface RequestHeaderNames {
  usernameHeaders?: readonly string[];
  uidHeaders?: readonly string[];
  groupHeaders?: readonly string[];
  extraHeaderPrefixes?: readonly string[];
}

/** Removes, in place, every header that carries credentials or an identity claim. Header names are lower case (Node's). */
export type IdentityHeaderScrubber = (headers: IncomingHttpHeaders) => void;

const ALWAYS_NAMES = ['authorization'];
const ALWAYS_PREFIXES = ['impersonate-', 'x-remote-'];

export function createIdentityHeaderScrubber(names: RequestHeaderNames = {}): IdentityHeaderScrubber {
  const exact = [...ALWAYS_NAMES, ...(names.usernameHeaders ?? []), ...(names.uidHeaders ?? []), ...(names.groupHeaders ?? [])];
  const prefixes = [...ALWAYS_PREFIXES, ...(names.extraHeaderPrefixes ?? [])];
  // One expression for every name, tested once per header (this runs on every proxied request).
  const claims = new RegExp(`^(?:(?:${exact.map(escapeRegExp).join('|')})$|(?:${prefixes.map(escapeRegExp).join('|')}))`, 'i');
  return (headers) => {
    for (const name in headers) if (claims.test(name)) delete headers[name];
  };
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Sets X-Remote-User, X-Remote-Uid (when the user has one), one X-Remote-Group
 * per group and one X-Remote-Extra-<escaped key> per extra value. Values are
 * sent as their UTF-8 bytes, as Go sends them.
 */
export function setAuthProxyHeaders(headers: IncomingHttpHeaders, user: UserInfo): void {
  headers['x-remote-user'] = wire(user.name);
  if (user.uid) headers['x-remote-uid'] = wire(user.uid);
  if (user.groups.length > 0) headers['x-remote-group'] = user.groups.map(wire);
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    if (values.length === 0) continue;
    const name = `x-remote-extra-${headerKeyEscape(key)}`.toLowerCase();
    const existing = headers[name];
    // Two keys differing only in case land on one header name, as in Go's canonical headers.
    headers[name] = [...(Array.isArray(existing) ? existing : existing === undefined ? [] : [existing]), ...values.map(wire)];
  }
}

/** Node writes header strings as latin1: this makes the bytes on the wire the value's UTF-8. */
const wire = (value: string): string => (ASCII.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1'));
const ASCII = /^[\x00-\x7f]*$/;

/** An RFC 7230 token byte (Go's isTokenTable), less '%', which is always escaped so that unescaping is unambiguous. */
const TOKEN = /^[!#$&'*+\-.0-9A-Z^_`a-z|~]$/;

/** client-go's headerKeyEscape: every byte of the key's UTF-8 that is not a token byte, and '%', becomes %XX. */
export function headerKeyEscape(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && TOKEN.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
