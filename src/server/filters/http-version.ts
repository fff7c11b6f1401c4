import type { RequestHandler } from 'express';

/**
 * Only HTTP/1.x over a connection that speaks HTTP/1.x: a request line that
 * claims another version (`GET / HTTP/2.0`) is answered 505 and the
 * connection closed, before any filter sees it, as Go's server does (its
 * http1ServerSupportsRequest). Node would parse it and a proxy would echo
 * the version into a status line that no HTTP/1.1 client can read.
 */
export function withHTTP1Only(): RequestHandler {
  return (req, res, next) => {
    if (req.httpVersionMajor === 1) return next();
    res.writeHead(505, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    res.end('505 HTTP Version Not Supported: unsupported protocol version');
  };
}
