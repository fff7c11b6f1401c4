import type { Response } from 'express';
import { toKubeYAML } from '../yaml-output.js';
import { auditResponseObject } from '../../audit/context.js';
import type { Rendering } from '../negotiation.js';
import type { ProtobufListParts } from '../protobuf/codec.js';
import { MEDIA_JSON, MEDIA_PROTOBUF, MEDIA_YAML } from '../negotiation.js';

/** Encodes an object as protobuf (the k8s\0 envelope); registered by the protobuf codec when it is loaded. */
export type ProtobufEncoder = (obj: Record<string, unknown>) => Buffer;

/** Splits a list envelope for encoding its items a batch at a time (codec.ts protobufListParts). */
export type ProtobufListSplitter = (envelope: Record<string, unknown>) => ProtobufListParts | undefined;

let protobufEncoder: ProtobufEncoder | undefined;
let protobufSupports: (apiVersion: string, kind: string) => boolean = () => false;
let protobufListSplitter: ProtobufListSplitter = () => undefined;

/** `supports` tells which kinds have a protobuf form; others are answered in JSON, as kube does. */
export function registerProtobufEncoder(
  encoder: ProtobufEncoder,
  supports: (apiVersion: string, kind: string) => boolean,
  splitList?: ProtobufListSplitter,
): void {
  protobufEncoder = encoder;
  protobufSupports = supports;
  protobufListSplitter = splitList ?? (() => undefined);
}

export const hasProtobufEncoder = (): boolean => protobufEncoder !== undefined;

/** Whether an object of this kind is answered in protobuf when protobuf is asked for; if not, in JSON. */
export const answersInProtobuf = (obj: Record<string, unknown>): boolean =>
  protobufEncoder !== undefined && protobufSupports(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));

export const splitProtobufList = (envelope: Record<string, unknown>): ProtobufListParts | undefined => protobufListSplitter(envelope);

/** Serializes once, in the negotiated format. */
export function encodeObject(obj: Record<string, unknown>, rendering: Rendering): { body: Buffer; contentType: string } {
  if (rendering.format === 'yaml') return { body: Buffer.from(toKubeYAML(obj)), contentType: MEDIA_YAML };
  if (rendering.format === 'protobuf' && protobufEncoder && answersInProtobuf(obj)) {
    return { body: protobufEncoder(obj), contentType: MEDIA_PROTOBUF };
  }
  return { body: Buffer.from(JSON.stringify(obj)), contentType: MEDIA_JSON };
}

/** Writes nothing when an answer already went out (the request timed out: a 504 was sent while the handler worked). */
export function writeObject(res: Response, code: number, obj: Record<string, unknown>, rendering: Rendering): void {
  if (res.headersSent) return;
  const { body, contentType } = encodeObject(obj, rendering);
  auditResponseObject(res.req, obj, contentType === MEDIA_JSON ? body : undefined);
  res.status(code);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
