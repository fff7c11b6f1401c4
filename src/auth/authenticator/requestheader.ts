import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../user.js';
import { InvalidCredentialsError, type Authenticator } from './authenticator.js';
import type { CertPool } from '../../dynamiccertificates/cert-pool.js';
import { chainExpiry, ConnectionVerdicts, FOREVER, type Verdict } from './connection-verdicts.js';
import { peerChain, type PeerChain } from './peer-certificates.js';
import type { VerifyOptionsProvider } from './x509.js';

export interface RequestHeaderOptions {
  /** The front-proxy CA (--requestheader-client-ca-file), read each time so a rotated file is followed. */
  clientCA: VerifyOptionsProvider;
  /** --requestheader-allowed-names: when not empty, the proxy's certificate CN must be one of these. */
  allowedNames: string[];
  /** --requestheader-username-headers: the first one with a value names the user. */
  usernameHeaders: string[];
  /** --requestheader-group-headers: every value of every one is a group. */
  groupHeaders: string[];
  /** --requestheader-extra-headers-prefix: "<prefix><key>: <value>" becomes extra[key]. */
  extraHeaderPrefixes: string[];
  /** The time the proxy's certificate is verified at; default now (tests move it). */
  now?: () => Date;
}

/** kube's default header names (--requestheader-*-headers and -prefix). */
export const defaultRequestHeaders = (): Pick<RequestHeaderOptions, 'usernameHeaders' | 'groupHeaders' | 'extraHeaderPrefixes'> => ({
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
});

/**
 * kube's front-proxy authentication: a proxy that authenticated the user
 * itself says who it is in headers, and proves it is the proxy with a client
 * certificate from the front-proxy CA. The headers count only then; without
 * a certificate this authenticator has nothing to say, and a certificate that
 * is not the proxy's is refused (the x509 authenticator may still accept it).
 */
export function createRequestHeaderAuthenticator(opts: RequestHeaderOptions): Authenticator {
  const allowed = new Set(opts.allowedNames);
  // Whether a connection is the proxy is decided once per connection and CA pool, until the
  // chain's first expiry (see ConnectionVerdicts); the headers still name the user request by request.
  const verdicts = new ConnectionVerdicts<InvalidCredentialsError | null>(opts.now);
  const decide = (chain: PeerChain, roots: CertPool, now: Date): Verdict<InvalidCredentialsError | null> => {
    let verified;
    try {
      verified = roots.verify(chain.leaf, chain.intermediates, now);
    } catch (err) {
      return { value: new InvalidCredentialsError(`requestheader: ${(err as Error).message}`), validUntilMs: FOREVER };
    }
    if (allowed.size > 0 && !allowed.has(chain.commonName)) {
      return { value: new InvalidCredentialsError(`x509: subject with cn=${chain.commonName} is not in the allowed list`), validUntilMs: FOREVER };
    }
    return { value: null, validUntilMs: chainExpiry(verified) };
  };
  return {
    authenticate(req: IncomingMessage): UserInfo | null {
      const chain = peerChain(req);
      if (!chain) return null;
      const roots = opts.clientCA.verifyOptions().roots;
      const refusal = verdicts.get(req.socket, roots, (now) => decide(chain, roots, now));
      if (refusal) throw refusal;
      return userFromHeaders(req, opts);
    },
  };
}

/** The user the proxy names, or null when no username header has a value. */
export function userFromHeaders(req: IncomingMessage, opts: Omit<RequestHeaderOptions, 'clientCA' | 'allowedNames'>): UserInfo | null {
  const name = opts.usernameHeaders.map((h) => headerValues(req, h)[0] ?? '').find((v) => v !== '');
  if (!name) return null;
  const groups = opts.groupHeaders.flatMap((h) => headerValues(req, h));
  const extra: Record<string, string[]> = {};
  const prefixes = opts.extraHeaderPrefixes.map((p) => p.toLowerCase());
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const header = req.rawHeaders[i]!.toLowerCase();
    const prefix = prefixes.find((p) => header.startsWith(p));
    if (!prefix) continue;
    // Keys are case-insensitive (lower case) and may be %-escaped to carry characters headers cannot.
    const key = unescape(header.slice(prefix.length)).toLowerCase();
    (extra[key] ??= []).push(req.rawHeaders[i + 1]!);
  }
  return { name, groups, ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}

/** Every header that can carry front-proxy identity: removed after authentication so nothing downstream trusts a copy. */
export function requestHeaderNames(opts: Omit<RequestHeaderOptions, 'clientCA' | 'allowedNames'>): { names: string[]; prefixes: string[] } {
  return {
    names: [...opts.usernameHeaders, ...opts.groupHeaders].map((h) => h.toLowerCase()),
    prefixes: opts.extraHeaderPrefixes.map((p) => p.toLowerCase()),
  };
}

/**
 * Node joins repeated headers with ", " except for a few; the raw headers keep
 * every occurrence, which is what kube reads (each X-Remote-Group line is one group).
 */
function headerValues(req: IncomingMessage, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === lower) out.push(req.rawHeaders[i + 1]!);
  }
  return out;
}

function unescape(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
