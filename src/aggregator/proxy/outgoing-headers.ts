/**
 * The headers of the request sent to the backend, built from the client's
 * as a copy (kube clones them): hop-by-hop headers dropped as Go's reverse
 * proxy drops them (an upgrade keeps Connection and Upgrade), credentials and
 * identity claims replaced by the authenticated user, X-Forwarded-* added,
 * and the audit ID passed on.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import type { UserInfo } from '../../auth/user.js';
import { setAuthProxyHeaders, type IdentityHeaderScrubber } from './auth-proxy-headers.js';
import { connectionTokens, HOP_BY_HOP } from './hop-by-hop.js';

/**
 * The body's framing is never dropped, whatever Connection lists: Node frames
 * the outgoing body by Transfer-Encoding, and without it a chunked GET's body
 * would go out unframed, readable by the backend as a second request.
 */
const FRAMING = new Set(['transfer-encoding', 'content-length']);
/** Hop-by-hop on the request side; Expect was answered by this server already (Node sends 100 Continue). */
const DROPPED = [...HOP_BY_HOP.filter((h) => !FRAMING.has(h)), 'expect'];

export interface OutgoingHeaderOptions {
  user: UserInfo;
  scrub: IdentityHeaderScrubber;
  /** Host header for the backend: its host:port, as kube sets req.Host to the location. */
  host: string;
  /** An upgrade keeps Connection: Upgrade and Upgrade. */
  upgrade: boolean;
  auditID?: string;
}

export function outgoingHeaders(req: IncomingMessage, opts: OutgoingHeaderOptions): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...req.headers };
  // Headers the client listed in Connection are hop-by-hop too, except the body's framing, which must stay.
  for (const token of connectionTokens(req.headers.connection)) {
    if (!FRAMING.has(token) && !(opts.upgrade && token === 'upgrade')) delete headers[token];
  }
  for (const name of DROPPED) delete headers[name];
  if (opts.upgrade) {
    headers.connection = 'Upgrade';
    if (req.headers.upgrade !== undefined) headers.upgrade = req.headers.upgrade;
    // An upgrade goes out without a body: Node hands whatever follows its head to the new protocol, which the
    // proxy passes on only once the backend switched. Transfer-Encoding would make Node end the request with a
    // last chunk ("0\r\n\r\n") that the backend reads as the new protocol's first bytes, and a Content-Length
    // would have a backend that reads the body before it switches wait for bytes sent only after.
    delete headers['content-length'];
    delete headers['transfer-encoding'];
  }
  opts.scrub(headers);
  setAuthProxyHeaders(headers, opts.user);

  const clientIP = req.socket.remoteAddress;
  if (clientIP) {
    const prior = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${clientIP}` : clientIP;
  }
  headers['x-forwarded-proto'] = req.socket instanceof TLSSocket ? 'https' : 'http';
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  headers.host = opts.host;
  if (opts.auditID) headers['audit-id'] = opts.auditID;
  return headers;
}
