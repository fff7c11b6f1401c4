import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { CertPool } from '../../dynamiccertificates/cert-pool.js';
import type { UserInfo } from '../user.js';
import { InvalidCredentialsError, type Authenticator } from './authenticator.js';
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
}

/**
 * kube's x509 authenticator: a client certificate that chains to the client
 * CA names the user, CN the name and each O a group. A presented certificate
 * that does not verify is refused (another authenticator may still succeed).
 */
export function createX509Authenticator(opts: X509Options = {}): Authenticator {
  // Verified once per connection and CA pool: the handshake fixes the chain, a rotated CA makes a new pool.
  const verdicts = new WeakMap<object, WeakMap<object, UserInfo | InvalidCredentialsError>>();
  return {
    authenticate(req: IncomingMessage): UserInfo | null {
      const chain = peerChain(req);
      if (!chain) return null;
      const pool = opts.clientCA?.verifyOptions().roots;
      const poolKey: object = pool ?? verdicts;
      let perSocket = verdicts.get(req.socket);
      if (!perSocket) verdicts.set(req.socket, (perSocket = new WeakMap()));
      let verdict = perSocket.get(poolKey);
      if (!verdict) {
        verdict = decide(req, pool);
        perSocket.set(poolKey, verdict);
      }
      if (verdict instanceof InvalidCredentialsError) throw verdict;
      return verdict;
    },
  };
}

function decide(req: IncomingMessage, pool: CertPool | undefined): UserInfo | InvalidCredentialsError {
  const chain = peerChain(req)!;
  try {
    if (pool) pool.verify(chain.leaf, chain.intermediates);
    else {
      const socket = req.socket as Partial<TLSSocket>;
      if (!socket.authorized) throw new Error(`x509: certificate not trusted: ${String(socket.authorizationError ?? 'unknown')}`);
    }
  } catch (err) {
    return new InvalidCredentialsError(`verifying certificate ${chain.leaf.subject.replace(/\n/g, ',')} failed: ${(err as Error).message}`);
  }
  if (!chain.commonName) return new InvalidCredentialsError('x509: common name is required');
  return { name: chain.commonName, groups: chain.organizations };
}
