import type { Request } from 'express';
import { parse as parseYAML } from 'yaml';
import { newBadRequest, newRequestEntityTooLarge, newUnsupportedMediaType } from '../apimachinery/status-error.js';

/** kube's limit on a request body (3 MiB): larger bodies get 413 before they are parsed. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** A decoder for one request media type (JSON and YAML here; protobuf registers itself). */
export type BodyDecoder = (body: Buffer) => Record<string, unknown>;

const decoders = new Map<string, BodyDecoder>([
  ['application/json', decodeJSON],
  ['application/yaml', decodeYAML],
]);

export function registerBodyDecoder(mediaType: string, decoder: BodyDecoder): void {
  decoders.set(mediaType, decoder);
}

export const acceptedMediaTypes = (): string[] => [...decoders.keys()];

/** Reads the whole body, refusing more than the limit without buffering it. */
export function readBody(req: Request, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(newRequestEntityTooLarge(`limit is ${limit}`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(newRequestEntityTooLarge(`limit is ${limit}`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export const mediaTypeOf = (req: Request): string => (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();

/** Decodes an object body by its Content-Type; 415 for a type we do not read, 400 for a body that does not parse. */
export async function decodeObjectBody(req: Request): Promise<Record<string, unknown>> {
  const mediaType = mediaTypeOf(req);
  const decoder = decoders.get(mediaType);
  if (!decoder) {
    throw newUnsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: ${acceptedMediaTypes().join(', ')}`,
    );
  }
  const body = await readBody(req);
  return decoder(body);
}

function decodeJSON(body: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw newBadRequest(`the object provided is not valid JSON: ${(err as Error).message}`);
  }
  return asObject(v);
}

function decodeYAML(body: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseYAML(body.toString('utf8'));
  } catch (err) {
    throw newBadRequest(`the object provided is not valid YAML: ${(err as Error).message}`);
  }
  return asObject(v);
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw newBadRequest('the body of the request must be a JSON or YAML object');
  return v as Record<string, unknown>;
}
