import type { X509Certificate } from 'node:crypto';
import { notAfter } from '../../dynamiccertificates/pem.js';

/** A decision about a connection's client certificate, and the last moment (ms since the epoch) it holds. */
export interface Verdict<V> {
  value: V;
  validUntilMs: number;
}

/**
 * Certificate verdicts cached per connection and CA pool. The handshake fixes a
 * connection's chain and a rotated CA file makes a new pool, so neither can
 * change under a verdict; time can: a verdict holds only until the first
 * certificate of its chain expires, then it is decided again at the current
 * time, as kube verifies every request's chain at that request's time.
 */
export class ConnectionVerdicts<V> {
  private readonly bySocket = new WeakMap<object, WeakMap<object, Verdict<V>>>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  get(socket: object, pool: object, decide: (now: Date) => Verdict<V>): V {
    let perPool = this.bySocket.get(socket);
    if (!perPool) this.bySocket.set(socket, (perPool = new WeakMap()));
    const now = this.now();
    let verdict = perPool.get(pool);
    if (!verdict || now.getTime() > verdict.validUntilMs) {
      verdict = decide(now);
      perPool.set(pool, verdict);
    }
    return verdict.value;
  }
}

/** When the first certificate of a chain expires. */
export const chainExpiry = (chain: readonly X509Certificate[]): number => Math.min(...chain.map((c) => notAfter(c).getTime()));

/** A refusal: held until something else changes (a new connection or CA pool). */
export const FOREVER = Number.POSITIVE_INFINITY;
