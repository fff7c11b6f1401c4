import type { IncomingMessage, ServerResponse } from 'node:http';
import { connectionTokens, HOP_BY_HOP } from './hop-by-hop.js';

/**
 * Copies the backend's status and end-to-end headers onto the client's
 * response, repeated headers as repeated lines (from rawHeaders, so none is
 * folded into one). Framing is Node's to choose again: Content-Length passes,
 * Transfer-Encoding does not, so a body of unknown length goes out chunked.
 */
export function copyResponseHead(from: IncomingMessage, to: ServerResponse): void {
  const drop = new Set([...HOP_BY_HOP, ...connectionTokens(from.headers.connection).filter((t) => t !== 'content-length')]);
  const grouped = new Map<string, { name: string; values: string[] }>();
  const raw = from.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (drop.has(lower)) continue;
    const entry = grouped.get(lower);
    if (entry) entry.values.push(raw[i + 1]!);
    else grouped.set(lower, { name, values: [raw[i + 1]!] });
  }
  to.statusCode = from.statusCode ?? 502;
  if (from.statusMessage) to.statusMessage = from.statusMessage;
  for (const { name, values } of grouped.values()) to.setHeader(name, values.length === 1 ? values[0]! : values);
}
