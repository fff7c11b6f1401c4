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
import type { Dispatcher } from 'undici';
import { copyResponseHead, responseHead } from './response-head.js';

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

/**
 * A plain request's exchange, as undici's dispatch handler: the backend's
 * status and headers, then its body as it comes (with flow control: a
 * client that reads slowly pauses the backend), then its end. If either
 * side fails or closes first, both are cut: the client's connection is
 * destroyed, the backend's request aborted (undici closes its connection).
 */
export class WebExchange implements Dispatcher.DispatchHandler {
  private abortBackend: ((err: Error) => void) | undefined;
  /** No later answer or failure reaches the client. */
  private done = false;
  /** The client's response is being relayed. */
  private relaying = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly opts: WebExchangeOptions,
  ) {
    // The request timed out or the client left: nobody reads the backend's answer any more.
    const abort = requestAbortFrom(req);
    if (abort) this.cleanups.push(abort.onAbort(() => this.abandon(new Error('the client request ended before the answer'))));
    if (opts.deadlineMs > 0) {
      const ms = opts.deadlineMs;
      const timer = setTimeout(() => this.fail(new Error(`context deadline exceeded (${ms / 1000}s for a discovery request)`)), ms);
      this.cleanups.push(() => clearTimeout(timer));
    }
    // No request signal tells a bare handler that the client went away unanswered.
    const onClose = () => {
      if (!res.writableFinished) this.abandon(new Error('the client closed the connection before the answer ended'));
    };
    res.once('close', onClose);
    this.cleanups.push(() => res.off('close', onClose));
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.done) abort(new Error('the request was abandoned'));
    else this.abortBackend = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // informational: the final answer follows
    if (this.done || this.res.headersSent) {
      this.abandon(new Error('the answer came too late'));
      return false;
    }
    const head = responseHead(statusCode, statusText, rawHeaders);
    // kube's RejectForwardingRedirects: a client must not be sent elsewhere with what it sent here.
    if (statusCode >= 300 && statusCode <= 399 && head.location) {
      this.abandon(new Error('a redirect was refused'));
      writeStatus(this.res, redirectRejected());
      return false;
    }
    // Watches and bodies of unknown length may outlive --request-timeout; and must reach the client as they come.
    const streaming = this.opts.watch || head.contentLength === undefined;
    if (streaming) cancelRequestTimeout(this.req);
    try {
      copyResponseHead(head, this.res);
    } catch (err) {
      // A header Node will not send (a character it refuses): the answer cannot be passed on.
      for (const { name } of head.headers.values()) this.res.removeHeader(name);
      this.fail(new Error(`the backend's answer cannot be relayed: ${err instanceof Error ? err.message : String(err)}`));
      return false;
    }
    if (streaming) this.res.flushHeaders();
    this.relaying = true;
    this.res.on('drain', resume);
    this.cleanups.push(() => this.res.off('drain', resume));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return false;
    return this.res.write(chunk);
  }

  onComplete(): void {
    if (this.done) return;
    this.settle();
    this.res.end();
  }

  /** The backend could not be reached or failed (undici's onError, or a deadline). */
  onError(err: Error): void {
    this.fail(err);
  }

  fail(err: Error): void {
    if (this.done) return;
    this.settle();
    this.abortBackend?.(err);
    if (this.relaying || this.res.headersSent) {
      this.opts.logger?.v(4).info('proxied response cut', { apiService: this.opts.apiService, err: err.message });
      this.res.destroy();
      return;
    }
    const why = isDialTimeout(err) ? new Error(`dial tcp ${this.opts.backend}: i/o timeout`) : err;
    this.opts.logger?.warn('error proxying to an APIService', { apiService: this.opts.apiService, backend: this.opts.backend, err: why.message });
    writeStatus(this.res, serviceUnavailable(this.opts.apiService, `error trying to reach service: ${why.message}`));
  }

  /** Nobody will read the answer: the backend's request is aborted (undici closes its connection). */
  private abandon(err: Error): void {
    if (this.done) return;
    this.settle();
    this.abortBackend?.(err);
    if (this.relaying) this.res.destroy();
  }

  private settle(): void {
    if (this.done) return;
    this.done = true;
    for (const cleanup of this.cleanups) cleanup();
  }
}

/** undici's error for a connection not established within its connect timeout. */
const isDialTimeout = (err: Error): boolean => (err as { code?: unknown }).code === 'UND_ERR_CONNECT_TIMEOUT';

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

