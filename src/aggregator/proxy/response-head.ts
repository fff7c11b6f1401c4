import type { ServerResponse } from 'node:http';
import { connectionTokens, HOP_BY_HOP } from './hop-by-hop.js';

const HOP_BY_HOP_SET: ReadonlySet<string> = new Set(HOP_BY_HOP);

/** A backend's status line and end-to-end headers, repeated headers as repeated values. */
export interface ResponseHead {
  statusCode: number;
  statusMessage: string;
  headers: Map<string, { name: string; value: string | string[] }>;
  /** The Content-Length header, when the backend sent one. */
  contentLength: string | undefined;
  /** The Location header (a redirect is refused). */
  location: string | undefined;
}

/**
 * Reads the backend's raw header lines (as undici gives them: name, value,
 * name, value, ... in latin1): hop-by-hop headers and those the Connection
 * header lists are dropped, the names keep their case, and a header's values
 * are an array only when it repeats.
 */
export function responseHead(statusCode: number, statusMessage: string, raw: readonly Buffer[]): ResponseHead {
  const lines: [string, string][] = [];
  let connection: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const value = raw[i + 1]!.toString('latin1');
    if (name.length === 10 && name.toLowerCase() === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
    lines.push([name, value]);
  }
  const listed = connection === undefined ? undefined : new Set(connectionTokens(connection).filter((t) => t !== 'content-length'));
  const headers = new Map<string, { name: string; value: string | string[] }>();
  for (const [name, value] of lines) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_SET.has(lower) || listed?.has(lower)) continue;
    const entry = headers.get(lower);
    if (!entry) headers.set(lower, { name, value });
    else if (Array.isArray(entry.value)) entry.value.push(value);
    else entry.value = [entry.value, value];
  }
  const first = (lower: string): string | undefined => {
    const v = headers.get(lower)?.value;
    return Array.isArray(v) ? v[0] : v;
  };
  return { statusCode, statusMessage, headers, contentLength: first('content-length'), location: first('location') };
}

/**
 * Puts the backend's status and headers on the client's response. Framing is
 * Node's to choose again: Content-Length passes, Transfer-Encoding does not,
 * so a body of unknown length goes out chunked.
 */
export function copyResponseHead(head: ResponseHead, to: ServerResponse): void {
  to.statusCode = head.statusCode;
  if (head.statusMessage) to.statusMessage = head.statusMessage;
  for (const { name, value } of head.headers.values()) to.setHeader(name, value);
}
