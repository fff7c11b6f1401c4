/**
 * The part of Go's net/url that kube's URL library exposes: Parse and
 * ParseRequestURI (with their error texts), Hostname, Port, EscapedPath and
 * Query. WHATWG's URL (Node's) normalizes and accepts differently, so
 * kube's answers need Go's rules.
 */

export interface GoURL {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
}

type Mode = 'path' | 'host' | 'zone' | 'query';

function shouldEscape(c: string, mode: Mode): boolean {
  if (/[A-Za-z0-9]/.test(c)) return false;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'query') return true;
    return false;
  }
  return true;
}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Go's unescape; throws its EscapeError/InvalidHostError texts. Works on UTF-8 bytes. */
function unescape(s: string, mode: Mode): string {
  const bytes = Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = String.fromCharCode(b);
    if (c === '%') {
      const h1 = String.fromCharCode(bytes[i + 1] ?? 0);
      const h2 = String.fromCharCode(bytes[i + 2] ?? 0);
      if (i + 2 >= bytes.length || !isHex(h1) || !isHex(h2)) {
        const bad = bytes.subarray(i, Math.min(i + 3, bytes.length)).toString('latin1');
        throw new Error(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      // In a host, %-encoding may only spell non-ASCII bytes (or %25 in a zone).
      if (mode === 'host' && parseInt(h1, 16) < 8 && `%${h1}${h2}` !== '%25') throw new Error(`invalid URL escape ${JSON.stringify(`%${h1}${h2}`)}`);
      out.push(parseInt(h1 + h2, 16));
      i += 2;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && b < 0x80 && shouldEscape(c, mode)) throw new Error(`invalid character ${JSON.stringify(c)} in host name`);
    if (mode === 'query' && c === '+') {
      out.push(0x20);
      continue;
    }
    out.push(b);
  }
  return Buffer.from(out).toString('utf8');
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && !shouldEscape(c, mode)) out += c;
    else if (c === ' ' && mode === 'query') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const c of s) {
    if (`!$&'()*+,;=:@[]%`.includes(c)) continue;
    if (c.charCodeAt(0) >= 0x80 || shouldEscape(c, mode)) return false;
  }
  return true;
}

const validOptionalPort = (port: string): boolean => port === '' || /^:[0-9]*$/.test(port);

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new Error("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${JSON.stringify(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host');
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${JSON.stringify(colonPort)} after host`);
    }
  }
  return unescape(host, 'host');
}

function parseAuthority(authority: string): string {
  const i = authority.lastIndexOf('@');
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i >= 0) {
    const userinfo = authority.slice(0, i);
    if (!/^[A-Za-z0-9\-._~!$&'()*+,;=%@:]*$/.test(userinfo)) throw new Error('net/url: invalid userinfo');
    for (const part of userinfo.split(':', 2)) unescape(part, 'path');
  }
  return host;
}

function parse(raw: string, viaRequest: boolean): GoURL {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new Error('empty url');
  const u: GoURL = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '' };
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  let rest: string;
  [u.scheme, rest] = getScheme(raw);
  u.scheme = u.scheme.toLowerCase();
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    if (viaRequest) throw new Error('invalid URI for request');
    const segment = rest.split('/', 1)[0]!;
    if (segment.includes(':')) throw new Error('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    u.host = parseAuthority(authority);
  }
  u.path = unescape(rest, 'path');
  u.rawPath = escape(u.path, 'path') === rest ? '' : rest;
  return u;
}

/** Go wraps every parse error as `parse "<url>": <err>`. */
function wrapped(raw: string, viaRequest: boolean): GoURL {
  try {
    return parse(raw, viaRequest);
  } catch (err) {
    throw new Error(`parse ${JSON.stringify(raw)}: ${(err as Error).message}`);
  }
}

/** url.ParseRequestURI: an absolute URI or an absolute path, no fragment split off. */
export const parseRequestURI = (raw: string): GoURL => wrapped(raw, true);

/** url.Parse: the fragment is cut off first. */
export function parseURL(raw: string): GoURL {
  const hash = raw.indexOf('#');
  const u = wrapped(hash < 0 ? raw : raw.slice(0, hash), false);
  if (hash >= 0) {
    try {
      unescape(raw.slice(hash + 1), 'path');
    } catch (err) {
      throw new Error(`parse ${JSON.stringify(raw)}: ${(err as Error).message}`);
    }
  }
  return u;
}

function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

export const hostname = (u: GoURL): string => splitHostPort(u.host)[0];
export const port = (u: GoURL): string => splitHostPort(u.host)[1];

export function escapedPath(u: GoURL): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath, 'path')) {
    try {
      if (unescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {
      // fall through to escaping the path
    }
  }
  if (u.path === '*') return '*';
  return escape(u.path, 'path');
}

/** url.ParseQuery, errors skipped as URL.Query() does: keys in first-seen order, values in order. */
export function query(u: GoURL): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    let k: string;
    let v: string;
    try {
      k = unescape(eq < 0 ? pair : pair.slice(0, eq), 'query');
      v = unescape(eq < 0 ? '' : pair.slice(eq + 1), 'query');
    } catch {
      continue;
    }
    const list = out.get(k) ?? [];
    list.push(v);
    out.set(k, list);
  }
  return out;
}

/** The URL as Go's String() writes it (for equality only). */
export function urlString(u: GoURL): string {
  let s = u.scheme === '' ? '' : `${u.scheme}:`;
  if (u.opaque !== '') s += u.opaque;
  else {
    if (u.scheme !== '' || u.host !== '') s += `//${u.host}`;
    s += escapedPath(u);
  }
  if (u.rawQuery !== '') s += `?${u.rawQuery}`;
  return s;
}
