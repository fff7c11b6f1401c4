import type { IncomingMessage } from 'node:http';
import type { AggregatedVersion } from './types.js';

/**
 * Content negotiation for the discovery endpoints, as kube's
 * NegotiateMediaTypeOptions does it: Accept clauses by quality (then the more
 * specific first, otherwise in the client's order); the first clause that a
 * serializer matches and the endpoint allows wins.
 *
 * Discovery answers in JSON and YAML. Protobuf (and CBOR) clauses match no
 * serializer here and are skipped, so a client that also accepts JSON gets
 * JSON; one that accepts nothing else gets 406, as kube without those
 * serializers would answer.
 */

export type Format = 'json' | 'yaml';

interface SerializerInfo {
  type: string;
  subtype: string;
  mediaType: string;
  format: Format;
  /** Only JSON can stream (stream=watch); kube's YAML serializer has no stream form. */
  streams: boolean;
}

/** In kube's order: a wildcard clause picks the first. */
const SERIALIZERS: readonly SerializerInfo[] = [
  { type: 'application', subtype: 'json', mediaType: 'application/json', format: 'json', streams: true },
  { type: 'application', subtype: 'yaml', mediaType: 'application/yaml', format: 'yaml', streams: false },
];

export const SUPPORTED_MEDIA_TYPES: readonly string[] = SERIALIZERS.map((s) => s.mediaType);

/** The `g`, `v` and `as` parameters: a request to answer with another kind. */
export interface ConvertTarget {
  group: string;
  version: string;
  kind: string;
}

export interface MediaTypeOptions {
  format: Format;
  mediaType: string;
  pretty: boolean;
  convert?: ConvertTarget;
}

interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
  params: Map<string, string>;
}

/** goautoneg's ParseAccept: a malformed media range is dropped, parameters without "=" too, sorted by preference. */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const raw of header.split(',')) {
    const [range = '', ...rawParams] = raw.trim().split(';');
    const parts = range.split('/');
    const type = (parts[0] ?? '').trim();
    let subtype: string;
    if (parts.length === 1 && type === '*') subtype = '*';
    else if (parts.length === 2) subtype = (parts[1] ?? '').trim();
    else continue;
    let q = 1;
    const params = new Map<string, string>();
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim();
      const value = p.slice(eq + 1).trim();
      if (key === 'q') q = Number.parseFloat(value) || 0;
      else params.set(key, value);
    }
    // q=0 says "not acceptable" (RFC 9110); goautoneg would still try it last.
    if (q > 0) clauses.push({ type, subtype, q, params });
  }
  // Array.prototype.sort is stable: equal clauses keep the client's order.
  return clauses.sort((a, b) => {
    if (a.q !== b.q) return b.q - a.q;
    const wild = (c: AcceptClause) => (c.type === '*' ? 2 : c.subtype === '*' ? 1 : 0);
    return wild(a) - wild(b);
  });
}

/** Which conversions an endpoint allows; kube's EndpointRestrictions.AllowsMediaTypeTransform. */
export type EndpointRestriction = (convert: ConvertTarget | undefined) => boolean;

/** Plain documents only (kube's DefaultEndpointRestrictions). */
export const plainOnly: EndpointRestriction = (convert) => convert === undefined;

/** Only the aggregated discovery list (kube's DiscoveryEndpointRestrictions). */
export const aggregatedOnly: EndpointRestriction = (convert) => aggregatedVersionOf(convert) !== undefined;

export function aggregatedVersionOf(convert: ConvertTarget | undefined): AggregatedVersion | undefined {
  if (!convert || convert.group !== 'apidiscovery.k8s.io' || convert.kind !== 'APIGroupDiscoveryList') return undefined;
  return convert.version === 'v2' || convert.version === 'v2beta1' ? convert.version : undefined;
}

function optionsFor(clause: AcceptClause, info: SerializerInfo, allowed: EndpointRestriction): MediaTypeOptions | undefined {
  let convert: ConvertTarget | undefined;
  let pretty = false;
  for (const [key, value] of clause.params) {
    switch (key) {
      case 'as':
      case 'g':
      case 'v': {
        convert ??= { group: '', version: '', kind: '' };
        if (key === 'as') convert.kind = value;
        else if (key === 'g') convert.group = value;
        else convert.version = value;
        break;
      }
      case 'stream':
        if (value !== '' && (!info.streams || value !== 'watch')) return undefined;
        break;
      case 'sv':
        // No endpoint here serves a chosen server version.
        if (value !== '') return undefined;
        break;
      case 'pretty':
        pretty = value === '1';
        break;
      default:
        // kube ignores parameters it does not know (charset, profile, ...).
        break;
    }
  }
  if (!allowed(convert)) return undefined;
  return { format: info.format, mediaType: info.mediaType, pretty, convert };
}

/**
 * The media type to answer with, or undefined when nothing the client accepts
 * is allowed (406). No Accept header means the first serializer, JSON.
 */
export function negotiateMediaType(accept: string | undefined, allowed: EndpointRestriction): MediaTypeOptions | undefined {
  if (!accept) {
    const first = SERIALIZERS[0]!;
    return { format: first.format, mediaType: first.mediaType, pretty: false };
  }
  for (const clause of parseAccept(accept)) {
    for (const info of SERIALIZERS) {
      const matches =
        (clause.type === info.type && (clause.subtype === info.subtype || clause.subtype === '*')) ||
        (clause.type === '*' && clause.subtype === '*');
      if (!matches) continue;
      const options = optionsFor(clause, info, allowed);
      if (options) return options;
    }
  }
  return undefined;
}

/** kube's isPrettyPrint: `?pretty=` or a human client (curl, Wget, a browser). */
export function isPrettyRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q >= 0 && url.includes('pretty', q)) {
    const value = new URLSearchParams(url.slice(q + 1)).get('pretty');
    if (value) return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
  }
  const agent = req.headers['user-agent'] ?? '';
  return agent.startsWith('curl') || agent.startsWith('Wget') || agent.startsWith('Mozilla/5.0');
}
