import tls from 'node:tls';
import type { ClientCreds } from './https.js';

/**
 * Raw HTTP/1.1 over real TLS, for requests no HTTP client would send: the
 * bytes go out as given, everything the server writes is read until it
 * closes the connection (or a bound passes), and a strict parser splits what
 * came back into responses and says what, if anything, is wrong with it.
 */

export interface RawResponse {
  version: string;
  status: number;
  reason: string;
  /** In order, as sent. */
  headers: [string, string][];
  body: Buffer;
}

export interface ParsedResponses {
  /** Complete responses, interim (1xx other than 101) ones included. */
  responses: RawResponse[];
  /**
   * How the bytes ended: `end` exactly after the last response (or a body
   * delimited by the close), `upgrade` after a 101 (`rest` is the new
   * protocol's), `incomplete` in the middle of a response (`rest` holds it),
   * `invalid` at something that is not HTTP (`problem` says what).
   */
  stop: 'end' | 'upgrade' | 'incomplete' | 'invalid';
  rest: Buffer;
  problem?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^(HTTP\/1\.[01]) ([1-9]\d\d)(?: ([^\r\n\0]*))?$/;

/** Header values of one name, case-insensitively. */
export const headerValues = (headers: readonly [string, string][], name: string): string[] =>
  headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

/**
 * The responses in `data`, as a client that sent requests other than HEAD
 * reads them: framing by Transfer-Encoding: chunked, else Content-Length,
 * else the close; 1xx, 204 and 304 without a body; nothing read past a 101.
 */
export function parseResponses(data: Buffer): ParsedResponses {
  const responses: RawResponse[] = [];
  let at = 0;
  const result = (stop: ParsedResponses['stop'], problem?: string): ParsedResponses => ({ responses, stop, rest: data.subarray(at), ...(problem ? { problem } : {}) });
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at, 'latin1');
    if (headEnd < 0) {
      // A partial head is incomplete unless what there is already cannot be a status line.
      const partial = data.subarray(at, Math.min(data.length, at + 9)).toString('latin1');
      return 'HTTP/1.1 '.startsWith(partial) || partial.startsWith('HTTP/1.') ? result('incomplete') : result('invalid', `not a status line: ${JSON.stringify(partial)}`);
    }
    const lines = data.subarray(at, headEnd).toString('latin1').split('\r\n');
    const m = STATUS_LINE.exec(lines[0]!);
    if (!m) return result('invalid', `bad status line ${JSON.stringify(lines[0]!.slice(0, 100))}`);
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
      if (!TOKEN.test(name) || /[\0\r\n]/.test(value)) return result('invalid', `bad header line ${JSON.stringify(line.slice(0, 100))}`);
      headers.push([name, value]);
    }
    const status = Number(m[2]);
    const response: RawResponse = { version: m[1]!, status, reason: m[3] ?? '', headers, body: Buffer.alloc(0) };
    let bodyAt = headEnd + 4;
    if (status === 101) {
      responses.push(response);
      at = bodyAt;
      return result('upgrade');
    }
    const te = headerValues(headers, 'transfer-encoding');
    const cl = headerValues(headers, 'content-length');
    if ((status >= 100 && status < 200) || status === 204 || status === 304) {
      if (te.length > 0 || (cl.length > 0 && cl.some((v) => v !== '0'))) return result('invalid', `${status} with a body's framing`);
    } else if (te.length > 0) {
      if (cl.length > 0) return result('invalid', 'both Transfer-Encoding and Content-Length');
      if (te.join(',').trim().toLowerCase() !== 'chunked') return result('invalid', `Transfer-Encoding ${JSON.stringify(te)}`);
      const chunks: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', bodyAt, 'latin1');
        if (lineEnd < 0) return result('incomplete');
        const sizeText = data.subarray(bodyAt, lineEnd).toString('latin1').split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return result('invalid', `bad chunk size ${JSON.stringify(sizeText)}`);
        const size = parseInt(sizeText, 16);
        bodyAt = lineEnd + 2;
        if (size === 0) {
          // Trailers, then an empty line.
          const end = data.indexOf('\r\n\r\n', bodyAt - 2, 'latin1');
          if (end < 0) return result('incomplete');
          bodyAt = end + 4;
          break;
        }
        if (data.length < bodyAt + size + 2) return result('incomplete');
        if (data.subarray(bodyAt + size, bodyAt + size + 2).toString('latin1') !== '\r\n') return result('invalid', 'chunk not followed by CRLF');
        chunks.push(data.subarray(bodyAt, bodyAt + size));
        bodyAt += size + 2;
      }
      response.body = Buffer.concat(chunks);
    } else if (cl.length > 0) {
      if (!cl.every((v) => /^\d+$/.test(v) && v === cl[0])) return result('invalid', `Content-Length ${JSON.stringify(cl)}`);
      const length = Number(cl[0]);
      if (data.length < bodyAt + length) return result('incomplete');
      response.body = data.subarray(bodyAt, bodyAt + length);
      bodyAt += length;
    } else {
      // Delimited by the close.
      response.body = data.subarray(bodyAt);
      bodyAt = data.length;
    }
    responses.push(response);
    at = bodyAt;
  }
  return result('end');
}

export interface RawExchange {
  /** Everything the server wrote. */
  data: Buffer;
  /** The server had not closed the connection when the bound passed (the socket was then destroyed). */
  timedOut: boolean;
  /** Why the connection failed, when it did other than by a clean close (a reset). */
  error?: string;
}

/**
 * Opens a TLS connection as the given client, writes the bytes, and reads
 * until the server closes the connection, at most `timeoutMs`. Send requests
 * that make the server close it (Connection: close on the last one), or give
 * `endWhen`: once it holds for what was read, the client ends its side.
 */
export function rawExchange(port: number, creds: ClientCreds, bytes: Buffer, timeoutMs: number, endWhen?: (data: Buffer) => boolean): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: creds.ca, cert: creds.cert, key: creds.key, servername: 'localhost' });
    const chunks: Buffer[] = [];
    let timedOut = false;
    let error: string | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    let ended = false;
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (endWhen && !ended && endWhen(Buffer.concat(chunks))) {
        ended = true;
        socket.end();
      }
    });
    // A reset or a write after the server closed: the connection is over; what was read stands.
    socket.on('error', (err: NodeJS.ErrnoException) => (error ??= err.code ?? err.message));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), timedOut, ...(error ? { error } : {}) });
    });
    socket.once('secureConnect', () => socket.write(bytes));
  });
}
