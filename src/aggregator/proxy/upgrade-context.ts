/**
 * An upgrade request on its way through the filter chain. Node hands an
 * upgrade to the server's 'upgrade' event with the raw socket, not to
 * express; a server that runs its filters on it anyway (with a response
 * object written to that socket) marks the request first, and the proxy,
 * when the request reaches it, takes the socket over from the response.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface PendingUpgrade {
  socket: Duplex;
  /** The bytes after the request's headers that Node already read (the 'upgrade' event's third argument). */
  head: Buffer;
}

const PENDING = Symbol('frontdoor.pendingUpgrade');

interface WithPendingUpgrade extends IncomingMessage {
  [PENDING]?: PendingUpgrade;
}

/** Called by the server's 'upgrade' listener before it runs the filter chain on the request. */
export function setPendingUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  (req as WithPendingUpgrade)[PENDING] = { socket, head };
}

/** The pending upgrade, once: whoever takes it owns the socket. */
export function takePendingUpgrade(req: IncomingMessage): PendingUpgrade | undefined {
  const pending = (req as WithPendingUpgrade)[PENDING];
  (req as WithPendingUpgrade)[PENDING] = undefined;
  return pending;
}
