import type { Response } from 'express';
import { auditContextFrom, auditResponseObject } from '../../audit/context.js';
import { MEDIA_PROTOBUF, MEDIA_YAML, type Rendering } from '../negotiation.js';
import { kubeYAMLElement, kubeYAMLSequenceParts } from '../yaml-output.js';
import { BATCH_SIZE, makeInBatches, writeBatched, type BatchedBody } from './batched.js';
import { jsonListBody } from './json-list.js';
import { answersInProtobuf, splitProtobufList, writeObject } from './object.js';

/** A list answer whose elements (items, or a Table's rows) are made from `items` as they are written. */
export interface ListBody<T> {
  /** The list's other fields in their order (kind, apiVersion, metadata, ...). */
  envelope: Record<string, unknown>;
  /** The elements' field: `items`, or a Table's `rows`. In JSON it must come last. */
  key: string;
  items: readonly T[];
  /** Makes an element from an item, each time one is written (a Table row's AGE is as of its response). */
  map?: (item: T) => unknown;
}

const element = <T>(list: ListBody<T>, i: number): unknown => (list.map ? list.map(list.items[i]) : list.items[i]);

/** The list as one object, as one-piece encoders take it. */
export function wholeList<T>(list: ListBody<T>): Record<string, unknown> {
  return { ...list.envelope, [list.key]: list.items.map((_, i) => element(list, i)) };
}

/** The audit log keeps response objects at RequestResponse only: below that a list is not made whole for it. */
export function auditList<T>(res: Response, list: ListBody<T>, json?: Buffer): void {
  if (auditContextFrom(res.req)?.event.level !== 'RequestResponse') return;
  auditResponseObject(res.req, wholeList(list), json);
}

/**
 * Writes a list in the negotiated format, a batch of elements at a time (see
 * writeBatched), with exactly the bytes writeObject(wholeList(list)) would
 * send. Protobuf needs the body's length up front: its elements are all
 * encoded first, in batches, then written.
 */
export async function writeList<T>(res: Response, code: number, list: ListBody<T>, rendering: Rendering, signal?: AbortSignal): Promise<void> {
  if (res.headersSent) return;
  const audit = (json?: Buffer) => auditList(res, list, json);
  if (rendering.format === 'yaml') return writeBatched(res, code, yamlListBody(list), audit, signal);
  // Kinds with no protobuf form are answered in JSON, as writeObject does.
  if (rendering.format === 'protobuf' && answersInProtobuf(list.envelope)) return writeProtobufList(res, code, list, audit, signal);
  return writeBatched(res, code, jsonListBody(list), audit, signal);
}

// YAML takes some 40 times as long per byte as JSON.stringify (~300 ms per MB): 8 KiB batches, a few ms each.
const YAML_BATCH_SIZE = BATCH_SIZE / 8;

function yamlListBody<T>(list: ListBody<T>): BatchedBody {
  const count = list.items.length;
  const { head, tail } = kubeYAMLSequenceParts(list.envelope, list.key, count === 0);
  return { contentType: MEDIA_YAML, head, count, item: (i) => kubeYAMLElement(element(list, i)), tail, batchSize: YAML_BATCH_SIZE };
}

async function writeProtobufList<T>(
  res: Response,
  code: number,
  list: ListBody<T>,
  audit: (json?: Buffer) => void,
  signal?: AbortSignal,
): Promise<void> {
  const parts = splitProtobufList(list.envelope);
  let fits = parts !== undefined;
  const made =
    parts &&
    (await makeInBatches(
      res,
      list.items.length,
      (i) => {
        const bytes = parts.item(element(list, i));
        if (!bytes) fits = false;
        return bytes;
      },
      signal,
    ));
  // An element that does not fit the schema, or a list type that does not split: in one piece, as before,
  // which names the field that does not fit.
  if (!fits) return writeObject(res, code, wholeList(list), { format: 'protobuf' });
  if (!parts || !made) return;
  const itemsLength = made.reduce((n, b) => n + b.length, 0);
  const { head, tail } = parts.frame(itemsLength);
  const body: BatchedBody = {
    contentType: MEDIA_PROTOBUF,
    head,
    count: made.length,
    item: (i) => made[i],
    tail,
    length: head.length + itemsLength + tail.length,
  };
  await writeBatched(res, code, body, audit, signal);
}
