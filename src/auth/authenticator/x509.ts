import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ALL_AUTHENTICATED, type UserInfo } from '../user.js';
import { InvalidCredentialsError, type Authenticator } from './authenticator.js';

/**
 * Client-certificate authentication. The TLS server verifies the chain against
 * the client CA it currently serves with (requestCert without rejecting, so a
 * request with no certificate can still be served by another authenticator);
 * here a presented but unverified certificate is refused, and a verified one
 * names the user: CN is the user name, each O a group.
 */
export function createX509Authenticator(): Authenticator {
  // A connection's certificate and its verification are fixed at the handshake:
  // decide once per connection, not once per request (getPeerCertificate is costly).
  const decided = new WeakMap<object, UserInfo | null | InvalidCredentialsError>();
  return {
    authenticate(req: IncomingMessage): UserInfo | null {
      const socket = req.socket;
      let decision = decided.get(socket);
      if (decision === undefined) {
        try {
          decision = fromSocket(socket as Partial<TLSSocket>);
        } catch (err) {
          if (!(err instanceof InvalidCredentialsError)) throw err;
          decision = err;
        }
        decided.set(socket, decision);
      }
      if (decision instanceof InvalidCredentialsError) throw decision;
      return decision;
    },
  };
}

function fromSocket(socket: Partial<TLSSocket>): UserInfo | null {
  if (typeof socket.getPeerCertificate !== 'function') return null;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return null;
  if (!socket.authorized) {
    throw new InvalidCredentialsError(`x509: certificate not trusted: ${String(socket.authorizationError ?? 'unknown')}`);
  }
  const cn = firstOf(cert.subject?.CN);
  if (!cn) throw new InvalidCredentialsError('x509: certificate has no common name');
  const orgs = allOf(cert.subject?.O);
  return { name: cn, groups: [...orgs, ALL_AUTHENTICATED] };
}

// Node gives a string for one value and an array for several.
const allOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const firstOf = (v: string | string[] | undefined): string | undefined => allOf(v)[0];
