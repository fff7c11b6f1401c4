import protobuf from 'protobufjs';
import { messageFromJson, messageToJson, ProtobufShapeError } from './convert.js';
import { encodeJsonMessage, splitListMessage } from './encode.js';
import { malformed, notEncodable, unsupportedKind } from './errors.js';
import { protobufTypeName } from './kinds.js';
import { messageType } from './loader.js';

/**
 * The Kubernetes protobuf wire format (application/vnd.kubernetes.protobuf):
 *
 *   object       "k8s\0" + runtime.Unknown{ typeMeta{apiVersion, kind}, raw: <message> }
 *   watch frame  uint32 big-endian length + meta.v1.WatchEvent{ type, object.raw: <object> }
 *
 * A watch frame's WatchEvent has no envelope of its own (kube's stream serializer is
 * the raw one); the object inside it does. Objects cross this module as kube's JSON.
 */

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_MEDIA_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;

/** "k8s\0": the four bytes every enveloped protobuf object starts with. */
export const PROTOBUF_MAGIC: Buffer = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';
const WATCH_EVENT = 'k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent';

export type JsonObject = Record<string, unknown>;

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The object as the JSON API has it, apiVersion and kind included. */
  object: JsonObject;
}

export interface TypedObject extends JsonObject {
  apiVersion: string;
  kind: string;
}

export interface WatchEventObject {
  type: string;
  object: JsonObject;
}

const hasPrefix = (body: Uint8Array): boolean =>
  body.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => body[i] === b);

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.length);

function decodeMessage(type: protobuf.Type, bytes: Uint8Array, what: string): object {
  try {
    return type.decode(bytes);
  } catch (err) {
    throw malformed(`unable to decode ${what} as protobuf: ${(err as Error).message}`);
  }
}

/** Decodes an enveloped object (a request body). 400 for bytes that are not one, 415 for a kind with no protobuf form. */
export function decodeProtobuf(body: Uint8Array): DecodedObject {
  if (!hasPrefix(body)) {
    throw malformed(`provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_MAGIC].join(' ')}]`);
  }
  const unknown = decodeMessage(messageType(UNKNOWN), body.subarray(PROTOBUF_MAGIC.length), 'the envelope') as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
  };
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  if (kind === '') throw malformed("Object 'Kind' is missing in protobuf envelope");
  const typeName = protobufTypeName(apiVersion, kind);
  if (!typeName) throw unsupportedKind(apiVersion, kind);
  const type = messageType(typeName);
  const msg = decodeMessage(type, unknown.raw ?? new Uint8Array(), `${apiVersion}, Kind=${kind}`);
  return { apiVersion, kind, object: { apiVersion, kind, ...messageToJson(type, msg) } };
}

function stringField(obj: JsonObject, key: string): string {
  const v = obj[key];
  return typeof v === 'string' ? v : '';
}

/** One walk straight to bytes; if the object does not fit, the slower conversion names the field that does not. */
function encodeMessage(type: protobuf.Type, obj: JsonObject): Uint8Array {
  try {
    return encodeJsonMessage(type, obj);
  } catch (err) {
    if (!(err instanceof ProtobufShapeError)) throw err;
    return type.encode(messageFromJson(type, obj)).finish();
  }
}

/** Encodes an object (apiVersion and kind set) with its envelope. 406 when its kind has no protobuf form. */
export function encodeProtobuf(obj: JsonObject): Buffer {
  const apiVersion = stringField(obj, 'apiVersion');
  const kind = stringField(obj, 'kind');
  const typeName = protobufTypeName(apiVersion, kind);
  if (!typeName) throw notEncodable(apiVersion, kind);
  const type = messageType(typeName);
  const raw = encodeMessage(type, obj);
  // kube writes the (empty) content encoding and type too; clients accept either.
  const envelope = messageType(UNKNOWN)
    .encode({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })
    .finish();
  return Buffer.concat([PROTOBUF_MAGIC, envelope]);
}

/** Encodes a list (ConfigMapList, ...): items carry no apiVersion/kind on the wire. */
export function encodeProtobufList(list: JsonObject): Buffer {
  const kind = stringField(list, 'kind');
  if (!kind.endsWith('List')) throw notEncodable(stringField(list, 'apiVersion'), kind);
  return encodeProtobuf(list);
}

/** encodeProtobufList's bytes in parts, so that a long list's items can be encoded a batch at a time. */
export interface ProtobufListParts {
  /** One item as the list's items field; undefined when it does not fit: the list then goes in one piece, which names the field. */
  item(json: unknown): Uint8Array | undefined;
  /** The bytes before and after items whose encoded lengths add up to itemsLength. */
  frame(itemsLength: number): { head: Buffer; tail: Buffer };
}

/** The value, or undefined when the JSON does not fit the schema. */
const fitting = <T>(encode: () => T): T | undefined => {
  try {
    return encode();
  } catch (err) {
    if (err instanceof ProtobufShapeError) return undefined;
    throw err;
  }
};

/**
 * A list (without its items) as ProtobufListParts: head + items + tail equal
 * encodeProtobufList({...envelope, items}). Undefined when it must go in one
 * piece: a kind with no protobuf list form, or list fields that do not fit.
 */
export function protobufListParts(envelope: JsonObject): ProtobufListParts | undefined {
  const apiVersion = stringField(envelope, 'apiVersion');
  const kind = stringField(envelope, 'kind');
  const typeName = protobufTypeName(apiVersion, kind);
  if (!kind.endsWith('List') || !typeName) return undefined;
  const list = fitting(() => splitListMessage(messageType(typeName), envelope));
  if (!list) return undefined;
  const unknown = messageType(UNKNOWN);
  // Unknown's fields in number order: typeMeta, raw (the list message), contentEncoding, contentType.
  const typeMeta = unknown.encode({ typeMeta: { apiVersion, kind } }).finish();
  const rawTag = ((unknown.fields.raw.id << 3) | 2) >>> 0;
  const tail = Buffer.from(unknown.encode({ contentEncoding: '', contentType: '' }).finish());
  return {
    item: (json) => fitting(() => list.item(json)),
    frame(itemsLength) {
      const rawHead = protobuf.Writer.create().uint32(rawTag).uint32(list.head.length + itemsLength).finish();
      return { head: Buffer.concat([PROTOBUF_MAGIC, typeMeta, rawHead, list.head]), tail };
    },
  };
}

/** Encodes a meta/v1 Status (an error, or a delete's success) as kube does: apiVersion v1, kind Status. */
export function encodeStatusProtobuf(status: object): Buffer {
  return encodeProtobuf({ ...(status as JsonObject), apiVersion: 'v1', kind: 'Status' });
}

/** One watch frame: the length prefix and the WatchEvent whose object is the enveloped object. */
export function encodeWatchEventProtobuf(event: WatchEventObject): Buffer {
  const kind = stringField(event.object, 'kind');
  const inner = kind === 'Status' ? encodeStatusProtobuf(event.object) : encodeProtobuf(event.object);
  const body = messageType(WATCH_EVENT).encode({ type: event.type, object: { raw: inner } }).finish();
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, 4);
  return frame;
}

/** Splits a protobuf watch stream into complete frame bodies (without their length prefixes), and what is left over. */
export function readWatchFrames(stream: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let at = 0;
  while (stream.length - at >= 4) {
    const n = stream.readUInt32BE(at);
    if (stream.length - at - 4 < n) break;
    frames.push(stream.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return { frames, rest: stream.subarray(at) };
}

/** Decodes one watch frame body (see readWatchFrames). */
export function decodeWatchEventProtobuf(frame: Uint8Array): WatchEventObject {
  const ev = decodeMessage(messageType(WATCH_EVENT), frame, 'a watch event') as { type?: string; object?: { raw?: Uint8Array } };
  const raw = ev.object?.raw;
  if (!raw) throw malformed('watch event has no object');
  return { type: ev.type ?? '', object: decodeProtobuf(asBuffer(raw)).object };
}

export { supportsProtobuf, protobufTypeName, protobufKinds } from './kinds.js';
export { ProtobufError, isProtobufError, UNKNOWN_FORMAT_MESSAGE } from './errors.js';
export { ProtobufShapeError } from './convert.js';
