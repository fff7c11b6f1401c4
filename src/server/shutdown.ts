import type { Server } from 'node:https';
import type { Logger } from '../observability/logger.js';
import type { Lifecycle } from './lifecycle.js';

export interface ShutdownOptions {
  server: Server;
  lifecycle: Lifecycle;
  logger: Logger;
  /** How long /readyz fails before new requests are refused (lets load balancers notice). */
  delayMs: number;
  /** How long in-flight requests may still take after that. */
  timeoutMs: number;
}

/**
 * kube's graceful shutdown: /readyz fails at once; after the delay new requests
 * get 503; in-flight requests finish (up to the timeout); then the listener and
 * every connection close. Resolves when that is done.
 */
export async function gracefulShutdown(opts: ShutdownOptions): Promise<void> {
  const { server, lifecycle, logger } = opts;
  lifecycle.shutdownInitiated.signal();
  logger.info('shutdown initiated: /readyz now fails', { delay: `${opts.delayMs}ms` });
  if (opts.delayMs > 0) await sleep(opts.delayMs);

  // The listener stays open while draining so that every new request, on a new
  // connection or a kept-alive one, gets a 503 with Retry-After rather than a
  // refused or reset connection (kube's --shutdown-send-retry-after).
  lifecycle.startDraining();
  logger.info('not accepting new requests; waiting for in-flight ones', { inFlight: lifecycle.inFlightCount });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), opts.timeoutMs)));
  const drained = await Promise.race([lifecycle.drained.wait().then(() => true), timedOut]);
  // An embedding process lives on: the timeout's timer must not outlive the shutdown.
  clearTimeout(timer);
  if (!drained) logger.warn('in-flight requests did not finish in time; closing their connections', { inFlight: lifecycle.inFlightCount });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  logger.info('shutdown complete');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
