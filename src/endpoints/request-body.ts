import type { Request } from 'express';
import { auditRequestObject } from '../audit/context.js';
import { newBadRequest, newRequestEntityTooLarge, newUnsupportedMediaType } from '../apimachinery/status-error.js';
import { jsonNestsDeeperThan } from './decode-bounds.js';
import type { YAMLDuplicate } from './field-validation/yaml-duplicates.js';
import { decodeYAML as decodeYAMLDocument, type DecodedYAML } from './yaml/decode-yaml.js';
import { decodeYAMLBody } from './yaml/yaml-decoder.js';

/** kube's limit on a request body (3 MiB): larger bodies get 413 before they are parsed. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/**
 * A decoder for one request media type (JSON and YAML here; protobuf registers
 * itself). It throws a StatusError, or a DecodeError that the caller words as
 * kube does for the kind it expected.
 */
export type BodyDecoder = (body: Buffer) => Record<string, unknown>;

/** A body that does not parse: `message` is the parser's own words. */
export class DecodeError extends Error {}

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
      reject(newRequestEntityTooLarge(`Request entity too large: limit is ${limit}`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(newRequestEntityTooLarge(`Request entity too large: limit is ${limit}`));
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

/** The body's media type, refused with kube's 415 text unless a decoder reads it. */
export function checkBodyMediaType(req: Request): string {
  const mediaType = mediaTypeOf(req);
  if (!decoders.has(mediaType)) {
    throw newUnsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: ${acceptedMediaTypes().join(', ')}`,
    );
  }
  return mediaType;
}

/**
 * Decodes an object body by its Content-Type, in kube's order: 415 for a type
 * we do not read, 413 for a body over the limit, then `afterRead` (the options
 * checks kube makes once the body is read), then 400 for a body that does not
 * parse, worded as kube's transformDecodeError for `kind`.
 */
export async function decodeObjectBody(req: Request, opts: { kind?: string; afterRead?: () => void } = {}): Promise<Record<string, unknown>> {
  return (await decodeObjectBodyWithRaw(req, opts)).obj;
}

/**
 * The decoded object with the bytes it came from and their media type, and
 * for JSON and YAML the text (field validation reads it; decoded once here);
 * for YAML also its duplicate keys, found by the same parse.
 */
export interface DecodedBody {
  obj: Record<string, unknown>;
  raw: Buffer;
  mediaType: string;
  text?: string;
  yamlDuplicates?: YAMLDuplicate[];
}

export async function decodeObjectBodyWithRaw(
  req: Request,
  opts: { kind?: string; afterRead?: () => void } = {},
): Promise<DecodedBody> {
  const mediaType = checkBodyMediaType(req);
  const body = await readBody(req);
  opts.afterRead?.();
  try {
    const decoder = decoders.get(mediaType)!;
    // Only while the built-in decoder serves the type (another may have been registered for it).
    let decoded: DecodedBody;
    if (decoder === decodeYAML) {
      // A large YAML body is parsed off the main thread; its duplicate keys come from the same parse.
      const text = body.toString('utf8');
      const { value, duplicates } = yamlResult(await decodeYAMLBody(text, MAX_REQUEST_BODY_BYTES));
      decoded = { obj: asObject(value), raw: body, mediaType, text, yamlDuplicates: duplicates };
    } else if (decoder === decodeJSON) {
      const text = body.toString('utf8');
      decoded = { obj: decodeJSONText(text), raw: body, mediaType, text };
    } else {
      decoded = { obj: decoder(body), raw: body, mediaType };
    }
    auditRequestObject(req, decoded.obj);
    return decoded;
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    const what = opts.kind ? `the object provided is unrecognized (must be of type ${opts.kind})` : 'the object provided is unrecognized';
    throw newBadRequest(`${what}: ${err.message} (${summarizeData(body, 30)})`);
  }
}

/** kube's summarizeData: the start of a JSON body as text, anything else as hex. */
function summarizeData(data: Buffer, max: number): string {
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, max);
  const more = data.length > max ? ' ...' : '';
  return data[0] === 0x7b ? head.toString('utf8') + more : head.toString('hex') + more;
}

function decodeJSON(body: Buffer): Record<string, unknown> {
  return decodeJSONText(body.toString('utf8'));
}

/** The registered YAML decoder; requests go through decodeYAMLBody instead, which may leave the main thread. */
function decodeYAML(body: Buffer): Record<string, unknown> {
  return asObject(yamlResult(decodeYAMLDocument(body.toString('utf8'), MAX_REQUEST_BODY_BYTES)).value);
}

function decodeJSONText(text: string): Record<string, unknown> {
  // Go's scanner words it so; refused before parsing, as every walker after the parse recurses.
  if (jsonNestsDeeperThan(text)) throw new DecodeError("couldn't get version/kind; json parse error: exceeded max depth");
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new DecodeError(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  return asObject(v);
}

/** A YAML decode's value, or its refusal: 413 for an alias expansion past the limit, a DecodeError (400) for the rest. */
function yamlResult(r: DecodedYAML): { value: unknown; duplicates: YAMLDuplicate[] } {
  if (r.ok) return r;
  if (r.error === 'too large') throw newRequestEntityTooLarge(r.message);
  throw new DecodeError(r.message);
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new DecodeError(`couldn't get version/kind; json parse error: cannot unmarshal ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v} into an object`);
  }
  return v as Record<string, unknown>;
}
