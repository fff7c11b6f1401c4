import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface PipelinedConnectionOptions {
  /**
   * How long a connection whose client sent a malformed request stays open
   * once its error answer was written out and its side ended, for the client
   * to read everything and close first (a close with unread input is sent as
   * a reset, which may discard what the client has not read yet). Go's
   * server waits 500 ms (closeWriteAndWait).
   */
  lingerMs?: number;
}

const LINGER_MS = 5_000;

/**
 * Node's default answer to a client error (_http_server.js), by error code:
 * for the parser's errors (HPE_*) and a request head not read in time;
 * undefined for the connection's own (a reset, a broken pipe), which have no
 * one to answer.
 */
const errorAnswer = (code: string | undefined): string | undefined => {
  const status =
    code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
    : code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? '413 Payload Too Large'
    : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
    : code?.startsWith('HPE_') ? '400 Bad Request'
    : undefined;
  return status && `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
};

/** The flags Node's own emitCloseNT sets, so that neither Node nor we emit 'close' on a response twice. */
type Closable = ServerResponse & { _closed?: boolean; destroyed: boolean };

function emitClose(res: ServerResponse): void {
  const r = res as Closable;
  if (r._closed) return;
  r.destroyed = true;
  r._closed = true;
  res.emit('close');
}

/**
 * What Node's HTTP/1.1 server leaves undone on a connection with pipelined
 * requests (several sent before the first is answered), done for every
 * request of `server`:
 *
 * - Every response gets its 'close'. Node emits it when the response
 *   finished, or, when the connection closes first, only on the response
 *   attached to the socket: one queued behind it would never close, and the
 *   filters that give back what a request holds on 'close' (max-in-flight's
 *   seats, the drain's count, audit, timeout) would hold it for good. When
 *   the socket closes, every response of it that Node has not closed is
 *   closed on the next tick (after Node's own, so none gets two).
 * - A malformed request (Node's 'clientError': a bad request line, headers
 *   over the limit, bad framing) is answered in order, as Go's server does:
 *   after the responses to the requests before it, which are written out
 *   first rather than reset, with Node's status (431, 413, 408, else 400) and
 *   `Connection: close`; then the connection is ended, and destroyed if the
 *   client has not closed it `lingerMs` after all of it was written out.
 *   Node's default writes its answer ahead of responses still in flight and
 *   destroys the socket at once, losing what was not yet flushed. A request
 *   before the malformed one whose body never completed (the error is in
 *   that body) cannot be answered: the connection is destroyed at once, as
 *   it is on an error of the connection itself (a reset).
 */
export function guardPipelinedConnections(server: Server, opts: PipelinedConnectionOptions = {}): void {
  const lingerMs = opts.lingerMs ?? LINGER_MS;
  /** Per connection, its responses not closed yet, in arrival order. */
  const open = new WeakMap<Duplex, Set<ServerResponse>>();
  /** Connections whose client error is being answered: the parser reports its error again on every later chunk. */
  const failed = new WeakSet<Duplex>();

  const responsesOf = (socket: Duplex): Set<ServerResponse> => {
    let responses = open.get(socket);
    if (!responses) {
      const set = (responses = new Set());
      open.set(socket, set);
      // Node closes the attached response synchronously in its own 'close' listener, and a response that just
      // finished on its next tick: what is still open after that, Node never closes.
      socket.once('close', () => process.nextTick(() => [...set].forEach(emitClose)));
    }
    return responses;
  };

  // Prepended: the response is tracked before any handler runs.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const responses = responsesOf(req.socket);
    responses.add(res);
    res.once('close', () => responses.delete(res));
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (failed.has(socket)) return;
    failed.add(socket);
    const reply = errorAnswer(err.code);
    if (!reply || !socket.writable) {
      socket.destroy();
      return;
    }
    const answer = () => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      // Once everything is written out: a client that never reads holds the connection as it would any response.
      socket.once('finish', () => {
        const timer = setTimeout(() => socket.destroy(), lingerMs);
        timer.unref();
        socket.once('close', () => clearTimeout(timer));
      });
      socket.end(reply, 'latin1');
    };
    const inFlight = [...(open.get(socket) ?? [])];
    if (inFlight.length === 0) {
      answer();
      return;
    }
    if (inFlight.some((res) => !res.req.complete)) {
      socket.destroy();
      return;
    }
    // The answer goes after theirs: once the last of them closed (finished, or gone with the connection).
    let left = inFlight.length;
    for (const res of inFlight) {
      res.once('close', () => {
        if (--left === 0) answer();
      });
    }
  });
}
