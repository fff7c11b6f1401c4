import type { ServerResponse } from 'node:http';
import { toKubeYAML } from '../yaml-output.js';
import { failureStatus } from '../../apimachinery/status.js';
import { writeStatus } from '../responsewriters/status.js';
import { SUPPORTED_MEDIA_TYPES, type Format, type MediaTypeOptions } from './negotiation.js';

/**
 * Serializes a discovery document as kube's serializers do: compact JSON ends
 * with a newline (json.Encoder), pretty JSON is indented by two spaces, YAML is
 * the JSON converted with sorted keys and unindented sequences (sigs.k8s.io/yaml).
 */
export function encode(doc: unknown, format: Format, pretty: boolean): string {
  if (format === 'yaml') return toKubeYAML(doc);
  return pretty ? JSON.stringify(doc, null, 2) : `${JSON.stringify(doc)}\n`;
}

/** The Content-Type kube answers with: the media type, then g, v and as when the client asked for a conversion. */
export function contentTypeOf(options: MediaTypeOptions): string {
  let type = options.mediaType;
  const c = options.convert;
  if (c?.group) type += `;g=${c.group}`;
  if (c?.version) type += `;v=${c.version}`;
  if (c?.kind) type += `;as=${c.kind}`;
  return type;
}

export function writeBody(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** kube's errNotAcceptable, naming the media types discovery can answer with. */
export function writeNotAcceptable(res: ServerResponse): void {
  writeStatus(res, failureStatus(406, 'NotAcceptable', `only the following media types are accepted: ${SUPPORTED_MEDIA_TYPES.join(', ')}`));
}

/** What the end of the chain says when a group or version is not served. */
export function writeNotFound(res: ServerResponse, path: string): void {
  writeStatus(res, failureStatus(404, 'NotFound', `the server could not find the requested resource (path ${JSON.stringify(path)})`, {}));
}
