import protobuf from 'protobufjs';
import { planOf, scalarFromJson, specialFromJson, ProtobufShapeError, type FieldPlan } from './convert.js';
import { isJSONObject as isPlainObject } from '../../apimachinery/json.js';

/**
 * Writes kube's JSON object straight to protobuf bytes in one walk over the
 * schema, with the same bytes as messageFromJson followed by protobufjs's
 * encode (fields by number, maps as key/value entries, proto2: nothing packed),
 * but without building the intermediate object: lists of hundreds of objects
 * are where a client-go informer spends its time waiting.
 *
 * A value that does not fit throws ProtobufShapeError without a useful path;
 * the caller then re-runs messageFromJson, which names the field.
 */

type Json = Record<string, unknown>;

// Wire types (protobuf encoding spec).
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

interface EncodePlan {
  plan: FieldPlan;
  /** The tag of one value (or one map entry): field number and wire type. */
  tag: number;
  /** The writer method for a scalar field (or for a map's scalar values). */
  write?: (w: protobuf.Writer, v: unknown) => void;
  /** The tag of a map entry's value (field 2). */
  valueTag: number;
}

const WIRE: Record<string, number> = {
  double: FIXED64, float: FIXED32, int32: VARINT, uint32: VARINT, sint32: VARINT, fixed32: FIXED32, sfixed32: FIXED32,
  int64: VARINT, uint64: VARINT, sint64: VARINT, fixed64: FIXED64, sfixed64: FIXED64, bool: VARINT, string: LENGTH_DELIMITED, bytes: LENGTH_DELIMITED,
};

// Values reach the writers already checked by scalarFromJson.
const WRITERS: Record<string, (w: protobuf.Writer, v: unknown) => void> = {
  double: (w, v) => w.double(v as number), float: (w, v) => w.float(v as number),
  int32: (w, v) => w.int32(v as number), uint32: (w, v) => w.uint32(v as number), sint32: (w, v) => w.sint32(v as number),
  fixed32: (w, v) => w.fixed32(v as number), sfixed32: (w, v) => w.sfixed32(v as number),
  int64: (w, v) => w.int64(v as number), uint64: (w, v) => w.uint64(v as number), sint64: (w, v) => w.sint64(v as number),
  fixed64: (w, v) => w.fixed64(v as number), sfixed64: (w, v) => w.sfixed64(v as number),
  bool: (w, v) => w.bool(v as boolean), string: (w, v) => w.string(v as string), bytes: (w, v) => w.bytes(v as Uint8Array),
};

const plans = new WeakMap<protobuf.Type, EncodePlan[]>();

function encodePlanOf(type: protobuf.Type): EncodePlan[] {
  let out = plans.get(type);
  if (out) return out;
  out = planOf(type)
    .slice()
    .sort((a, b) => a.field.id - b.field.id)
    .map((plan) => {
      const f = plan.field;
      if (f instanceof protobuf.MapField && f.keyType !== 'string') throw new Error(`${type.fullName}.${f.name}: only string map keys are supported`);
      if (f.packed && f.repeated && !plan.sub) throw new Error(`${type.fullName}.${f.name}: packed fields are not supported`);
      const wire = plan.sub ? LENGTH_DELIMITED : WIRE[f.type];
      if (wire === undefined) throw new Error(`${type.fullName}.${f.name}: unsupported field type ${f.type}`);
      return {
        plan,
        tag: ((f.id << 3) | (f.map ? LENGTH_DELIMITED : wire)) >>> 0,
        write: plan.sub ? undefined : WRITERS[f.type],
        valueTag: ((2 << 3) | wire) >>> 0,
      };
    });
  plans.set(type, out);
  return out;
}

/** The message's bytes (no envelope). */
export function encodeJsonMessage(type: protobuf.Type, json: Json): Uint8Array {
  const w = protobuf.Writer.create();
  writeMessage(type, json, w);
  return w.finish();
}

function writeMessage(type: protobuf.Type, json: Json, w: protobuf.Writer): void {
  for (const e of encodePlanOf(type)) {
    const p = e.plan;
    if (p.inline && p.sub) {
      // Go always writes an embedded struct: present, even when empty.
      w.uint32(e.tag).fork();
      writeMessage(p.sub, json, w);
      w.ldelim();
      continue;
    }
    const v = json[p.key];
    if (v === undefined || v === null) continue;
    if (p.shape === 'map') {
      if (!isPlainObject(v)) throw new ProtobufShapeError('', 'expected an object');
      for (const k of Object.keys(v)) {
        const value = v[k];
        if (value === null || value === undefined) continue;
        w.uint32(e.tag).fork().uint32(10).string(k);
        writeValue(e, value, w, e.valueTag);
        w.ldelim();
      }
    } else if (p.shape === 'repeated') {
      if (!Array.isArray(v)) throw new ProtobufShapeError('', 'expected an array');
      for (const item of v) writeValue(e, item, w, e.tag);
    } else {
      writeValue(e, v, w, e.tag);
    }
  }
}

function writeValue(e: EncodePlan, v: unknown, w: protobuf.Writer, tag: number): void {
  const p = e.plan;
  if (!p.sub) {
    e.write!(w.uint32(tag), scalarFromJson(p.field, v, ''));
    return;
  }
  w.uint32(tag).fork();
  if (p.special) p.sub.encode(specialFromJson(p.special, v, ''), w);
  else if (isPlainObject(v)) writeMessage(p.sub, v, w);
  else throw new ProtobufShapeError('', 'expected an object');
  w.ldelim();
}


/** A list message split around its items, so they can be encoded a batch at a time. */
export interface SplitListMessage {
  /** The list's other fields (metadata): they all come before items. */
  head: Uint8Array;
  /** One item as the items field: tag, length and message, as in the list's bytes. Throws ProtobufShapeError. */
  item(json: unknown): Uint8Array;
}

/**
 * encodeJsonMessage(type, {...json, items}) as head + each item's field, when
 * items is the message's last field by number (every kube list: metadata 1,
 * items 2); undefined for any other type.
 */
export function splitListMessage(type: protobuf.Type, json: Json): SplitListMessage | undefined {
  const plan = encodePlanOf(type);
  const e = plan[plan.length - 1];
  const p = e?.plan;
  if (!e || !p || p.key !== 'items' || p.shape !== 'repeated' || !p.sub || p.special || p.inline) return undefined;
  const head = encodeJsonMessage(type, { ...json, items: undefined });
  return {
    head,
    item(item) {
      const w = protobuf.Writer.create();
      writeValue(e, item, w, e.tag);
      return w.finish();
    },
  };
}
