import { goTimeParseError, RFC3339, RFC3339_MICRO } from './go-time.js';
import type { JNode } from './json-tree.js';
import { quantityError } from './quantity.js';
import { goTypeString, type CustomType, type GoPrimitive, type TypeNode } from './schema.js';

/**
 * The error kube's JSON decoder (encoding/json as sigs.k8s.io/json patches
 * it) returns for a value of the wrong type, or undefined. It decodes on after
 * a type mismatch and reports the first one; an error from a type that decodes
 * itself (Quantity, Time, IntOrString) stops it at once. Texts are Go's:
 * `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`.
 */
export function findDecodeError(node: JNode, root: TypeNode): string | undefined {
  const d = new Decoder();
  try {
    d.value(node, root, { struct: '', fields: [] });
  } catch (err) {
    if (err instanceof Fatal) return err.message;
    throw err;
  }
  return d.saved;
}

/** Where the decoder is: the innermost struct entered and the field names from the root (no indexes, no map keys). */
interface Context {
  struct: string;
  fields: string[];
}

/** An error that ends decoding at once (returned, not saved, by Go's decoder). */
class Fatal extends Error {}

/** UnmarshalTypeError.Error() after kube's decoder added its context. */
function typeError(value: string, goType: string, ctx: Context): string {
  if (ctx.struct !== '' || ctx.fields.length > 0) {
    return `json: cannot unmarshal ${value} into Go struct field ${ctx.struct}.${ctx.fields.join('.')} of type ${goType}`;
  }
  return `json: cannot unmarshal ${value} into Go value of type ${goType}`;
}

/** The word Go's decoder uses for a JSON value's kind. */
const kindWord = (n: JNode): string => ({ object: 'object', array: 'array', string: 'string', number: 'number', bool: 'bool', null: 'null' })[n.t];

const INT_RANGE: Readonly<Record<string, [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Whether a number literal fits a Go integer type (strconv.ParseInt, then overflow). */
function fitsInt(text: string, go: 'int32' | 'int64'): boolean {
  if (!/^-?\d+$/.test(text)) return false;
  const n = BigInt(text);
  const [min, max] = INT_RANGE[go]!;
  return n >= min && n <= max;
}

class Decoder {
  saved: string | undefined;

  private save(message: string): void {
    this.saved ??= message;
  }

  value(node: JNode, type: TypeNode, ctx: Context): void {
    if (type.kind === 'custom') {
      this.custom(node, type.custom, ctx);
      return;
    }
    if (type.kind === 'any' || node.t === 'null') return;
    switch (node.t) {
      case 'object':
        if (type.kind === 'struct') {
          for (const [key, value] of node.entries) {
            const field = type.field(key);
            if (field) this.value(value, field, { struct: type.goName, fields: [...ctx.fields, key] });
          }
        } else if (type.kind === 'map') {
          for (const [, value] of node.entries) this.value(value, type.values, ctx);
        } else this.save(typeError('object', goTypeString(type), ctx));
        return;
      case 'array':
        if (type.kind === 'array') node.items.forEach((item) => this.value(item, type.items, ctx));
        else if (type.kind === 'primitive' && type.go === '[]uint8') {
          // A []byte also decodes from a list of small numbers, as any slice does.
          for (const item of node.items) {
            if (item.t === 'number' ? !/^\d+$/.test(item.text) || Number(item.text) > 255 : item.t !== 'null') {
              this.save(typeError(item.t === 'number' ? `number ${item.text}` : kindWord(item), 'uint8', ctx));
            }
          }
        } else this.save(typeError('array', goTypeString(type), ctx));
        return;
      default:
        this.literal(node, type, ctx);
    }
  }

  private literal(node: Extract<JNode, { t: 'string' | 'number' | 'bool' }>, type: TypeNode, ctx: Context): void {
    const go: GoPrimitive | undefined = type.kind === 'primitive' ? type.go : undefined;
    switch (node.t) {
      case 'string':
        // []byte takes base64 text; whether it decodes is the kind's own check (Secret, ConfigMap).
        if (go === 'string' || go === '[]uint8') return;
        break;
      case 'bool':
        if (go === 'bool') return;
        break;
      case 'number':
        if (go === 'int32' || go === 'int64') {
          if (!fitsInt(node.text, go)) this.save(typeError(`number ${node.text}`, go, ctx));
          return;
        }
        if (go === 'float64') {
          if (!Number.isFinite(Number(node.text))) this.save(typeError(`number ${node.text}`, go, ctx));
          return;
        }
        break;
    }
    this.save(typeError(kindWord(node), goTypeString(type), ctx));
  }

  /** The UnmarshalJSON of kube's self-decoding types; their errors end decoding. */
  private custom(node: JNode, custom: CustomType, ctx: Context): void {
    if (node.t === 'null' || custom === 'raw') return;
    switch (custom) {
      case 'time':
      case 'microtime': {
        // json.Unmarshal into a string, then time.Parse.
        if (node.t !== 'string') throw new Fatal(typeError(kindWord(node), 'string', ctx));
        const err = goTimeParseError(custom === 'time' ? RFC3339 : RFC3339_MICRO, node.v);
        if (err) throw new Fatal(err);
        return;
      }
      case 'intOrString':
        // A quoted value is the string form; anything else is json.Unmarshal into an int32.
        if (node.t === 'string') return;
        if (node.t === 'number') {
          if (!fitsInt(node.text, 'int32')) throw new Fatal(typeError(`number ${node.text}`, 'int32', ctx));
          return;
        }
        throw new Fatal(typeError(kindWord(node), 'int32', ctx));
      case 'quantity': {
        const text = node.t === 'string' ? node.v : node.t === 'number' ? node.text : kindWord(node);
        const err = quantityError(text);
        if (err) throw new Fatal(err);
        return;
      }
    }
  }
}
