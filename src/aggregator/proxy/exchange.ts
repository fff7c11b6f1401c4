/**
 * One proxied request's life after it left for the backend: its deadlines,
 * its cancellation, and how the backend's answer (or failure) reaches the
 * client. An error before the client got a status line becomes a 503 Status;
 * after it, the client's connection is cut, as kube's handler aborts.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { requestAbortFrom } from '../../endpoints/request/abort.js';
import { writeStatus } from '../../endpoints/responsewriters/status.js';
import type { Logger } from '../../observability/logger.js';
import { cancelRequestTimeout } from '../../server/filters/timeout.js';
import { redirectRejected, serviceUnavailable, writeStatusToSocket } from './proxy-status.js';
import { relay } from './relay.js';
import { copyResponseHead } from './response-head.js';

export interface ExchangeOptions {
  apiService: string;
  /** host:port, for messages. */
  backend: string;
  /** A new connection must be established (TCP and TLS) within this. */
  dialTimeoutMs: number;
  logger?: Logger;
}

/**
 * Arms the dial deadline of a request's connection: only a new one, whose
 * TLS handshake has yet to finish (kube's dial and TLS handshake timeouts).
 */
export function armDialTimeout(proxyReq: ClientRequest, socket: Socket, opts: ExchangeOptions): void {
  if (proxyReq.reusedSocket || opts.dialTimeoutMs <= 0) return;
  const timer = setTimeout(() => proxyReq.destroy(new Error(`dial tcp ${opts.backend}: i/o timeout`)), opts.dialTimeoutMs);
  const clear = () => clearTimeout(timer);
  socket.once('secureConnect', clear);
  socket.once('close', clear);
}

export interface WebExchangeOptions extends ExchangeOptions {
  /** A watch: its answer streams whatever its headers say. */
  watch: boolean;
  /** The whole exchange must end within this (kube's 5 s for discovery requests); 0: no deadline. */
  deadlineMs: number;
}

export class WebExchange {
  private proxyReq: ClientRequest | undefined;
  private done = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly opts: WebExchangeOptions,
  ) {
    // The request timed out or the client left: nobody reads the backend's answer any more.
    const abort = requestAbortFrom(req);
    if (abort) this.cleanups.push(abort.onAbort(() => this.abandon()));
    if (opts.deadlineMs > 0) {
      const ms = opts.deadlineMs;
      const timer = setTimeout(() => this.fail(new Error(`context deadline exceeded (${ms / 1000}s for a discovery request)`)), ms);
      this.cleanups.push(() => clearTimeout(timer));
    }
  }

  /**
   * Follows the request sent to the backend: its socket (the dial deadline),
   * its answer, its failure; and destroys it when the client's response
   * closes unfinished (no request signal tells that in a bare handler).
   */
  send(proxyReq: ClientRequest): void {
    this.proxyReq = proxyReq;
    proxyReq.on('socket', (socket: Socket) => this.attach(proxyReq, socket));
    proxyReq.on('response', (proxyRes: IncomingMessage) => this.respond(proxyRes));
    proxyReq.on('error', (err: Error) => this.fail(err));
    this.res.once('close', () => {
      if (!this.res.writableFinished) proxyReq.destroy(new Error('the client closed the connection before the answer'));
    });
  }

  /** The request to the backend exists and has its socket. */
  attach(proxyReq: ClientRequest, socket: Socket): void {
    this.proxyReq = proxyReq;
    if (this.done) {
      proxyReq.destroy(new Error('the request was abandoned'));
      return;
    }
    armDialTimeout(proxyReq, socket, this.opts);
  }

  /** The backend's status line and headers arrived. */
  respond(proxyRes: IncomingMessage): void {
    if (this.done || this.res.headersSent) {
      discard(proxyRes);
      this.settle();
      return;
    }
    const code = proxyRes.statusCode ?? 0;
    // kube's RejectForwardingRedirects: a client must not be sent elsewhere with what it sent here.
    if (code >= 300 && code <= 399 && proxyRes.headers.location) {
      discard(proxyRes);
      this.settle();
      writeStatus(this.res, redirectRejected());
      return;
    }
    // Watches and bodies of unknown length may outlive --request-timeout; and must reach the client as they come.
    const streaming = this.opts.watch || proxyRes.headers['content-length'] === undefined;
    if (streaming) cancelRequestTimeout(this.req);
    copyResponseHead(proxyRes, this.res);
    if (streaming) this.res.flushHeaders();
    relay(proxyRes, this.res, (err) => {
      this.settle();
      if (err) this.opts.logger?.v(4).info('proxied response cut', { apiService: this.opts.apiService, err: err.message });
    });
  }

  /** The backend could not be reached or failed; http-proxy's error callback. */
  fail(err: Error): void {
    if (this.done) return;
    this.settle();
    // With an error: a request destroyed before its socket was assigned would otherwise hand that
    // socket back to the pool, connecting or not, where the next request would take it.
    this.proxyReq?.destroy(err);
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    this.opts.logger?.warn('error proxying to an APIService', { apiService: this.opts.apiService, backend: this.opts.backend, err: err.message });
    writeStatus(this.res, serviceUnavailable(this.opts.apiService, `error trying to reach service: ${err.message}`));
  }

  private abandon(): void {
    if (this.done) return;
    this.settle();
    this.proxyReq?.destroy(new Error('the client request ended before the answer'));
  }

  private settle(): void {
    if (this.done) return;
    this.done = true;
    for (const cleanup of this.cleanups) cleanup();
  }
}

/**
 * An upgrade on its way: until the backend answers, a failure is told to the
 * client as a 503; after it, http-proxy closes the client's socket itself.
 */
export class UpgradeExchange {
  private answered = false;

  constructor(
    private readonly socket: Duplex,
    private readonly opts: ExchangeOptions,
  ) {}

  attach(proxyReq: ClientRequest): void {
    proxyReq.once('upgrade', () => (this.answered = true));
    proxyReq.once('response', (res: IncomingMessage) => {
      this.answered = true;
      // A refused upgrade's connection is closed, as kube closes it, not pooled: its backend may
      // have taken it over already, and no later request may land on it.
      const backend = res.socket;
      res.once('end', () => backend.destroy());
      res.once('close', () => backend.destroy());
    });
    proxyReq.once('socket', (socket: Socket) => armDialTimeout(proxyReq, socket, this.opts));
  }

  fail(err: Error): void {
    if (this.answered) return;
    this.answered = true;
    this.opts.logger?.warn('error proxying an upgrade to an APIService', { apiService: this.opts.apiService, backend: this.opts.backend, err: err.message });
    writeStatusToSocket(this.socket, serviceUnavailable(this.opts.apiService, `error trying to reach service: ${err.message}`));
  }
}

/** Drops a response nobody will read, without its socket's errors going unhandled. */
function discard(res: IncomingMessage): void {
  res.on('error', () => undefined);
  res.destroy();
}
