import type { IncomingMessage, ServerResponse } from 'node:http';
import { connectionTokens, HOP_BY_HOP } from './hop-by-hop.js';

const HOP_BY_HOP_SET: ReadonlySet<string> = new Set(HOP_BY_HOP);

/**
 * Copies the backend's status and end-to-end headers onto the client's
 * response, repeated headers as repeated lines (from rawHeaders, so none is
 * folded into one). Framing is Node's to choose again: Content-Length passes,
 * Transfer-Encoding does not, so a body of unknown length goes out chunked.
 * Every proxied response passes here: the names a Connection header lists
 * are a set only when there is one, and a header's values an array only
 * when it repeats.
 */
export function copyResponseHead(from: IncomingMessage, to: ServerResponse): void {
  const connection = from.headers.connection;
  const listed = connection === undefined ? undefined : new Set(connectionTokens(connection).filter((t) => t !== 'content-length'));
  const grouped = new Map<string, { name: string; value: string | string[] }>();
  const raw = from.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_SET.has(lower) || listed?.has(lower)) continue;
    const entry = grouped.get(lower);
    if (!entry) grouped.set(lower, { name, value: raw[i + 1]! });
    else if (Array.isArray(entry.value)) entry.value.push(raw[i + 1]!);
    else entry.value = [entry.value, raw[i + 1]!];
  }
  to.statusCode = from.statusCode ?? 502;
  if (from.statusMessage) to.statusMessage = from.statusMessage;
  for (const { name, value } of grouped.values()) to.setHeader(name, value);
}
