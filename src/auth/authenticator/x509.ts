import type { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { CertPool } from '../../dynamiccertificates/cert-pool.js';
import type { UserInfo } from '../user.js';
import { InvalidCredentialsError, type Authenticator } from './authenticator.js';
import { chainExpiry, ConnectionVerdicts, FOREVER, type Verdict } from './connection-verdicts.js';
import { peerChain } from './peer-certificates.js';

/** Where the client CA is read from each time (a DynamicFileCAContent follows its file). */
export interface VerifyOptionsProvider {
  verifyOptions(): { roots: CertPool };
}

export interface X509Options {
  /**
   * The client CA (--client-ca-file). The TLS server accepts the union of this
   * and the front-proxy CA, so the chain is verified again here against this
   * one alone. Without it, the TLS handshake's verdict is taken.
   */
  clientCA?: VerifyOptionsProvider;
  /** The time certificates are verified at; default now (tests move it). */
  now?: () => Date;
}

/**
 * kube's x509 authenticator: a client certificate that chains to the client
 * CA names the user, CN the name and each O a group. A presented certificate
 * that does not verify is refused (another authenticator may still succeed).
 */
export function createX509Authenticator(opts: X509Options = {}): Authenticator {
  // Verified once per connection and CA pool, until the chain's first expiry (see ConnectionVerdicts).
  const verdicts = new ConnectionVerdicts<UserInfo | InvalidCredentialsError>(opts.now);
  const noPool = {};
  return {
    authenticate(req: IncomingMessage): UserInfo | null {
      if (!peerChain(req)) return null;
      const pool = opts.clientCA?.verifyOptions().roots;
      const verdict = verdicts.get(req.socket, pool ?? noPool, (now) => decide(req, pool, now));
      if (verdict instanceof InvalidCredentialsError) throw verdict;
      return verdict;
    },
  };
}

function decide(req: IncomingMessage, pool: CertPool | undefined, now: Date): Verdict<UserInfo | InvalidCredentialsError> {
  const chain = peerChain(req)!;
  let verified: X509Certificate[];
  try {
    if (pool) verified = pool.verify(chain.leaf, chain.intermediates, now);
    else {
      const socket = req.socket as Partial<TLSSocket>;
      if (!socket.authorized) throw new Error(`x509: certificate not trusted: ${String(socket.authorizationError ?? 'unknown')}`);
      verified = [chain.leaf, ...chain.intermediates];
    }
  } catch (err) {
    return { value: new InvalidCredentialsError(`verifying certificate ${chain.leaf.subject.replace(/\n/g, ',')} failed: ${(err as Error).message}`), validUntilMs: FOREVER };
  }
  if (!chain.commonName) return { value: new InvalidCredentialsError('x509: common name is required'), validUntilMs: FOREVER };
  return { value: { name: chain.commonName, groups: chain.organizations }, validUntilMs: chainExpiry(verified) };
}
