/**
 * kube's quantity library (apiserver pkg/cel/library/quantity.go) over a
 * port of apimachinery's resource.ParseQuantity and the arithmetic CEL
 * reaches: parsing with kube's three errors, nano rounding away from zero,
 * the BinarySI cap, and both of kube's representations (an int64 with a
 * decimal scale, or an arbitrary-precision decimal), because
 * `isInteger`/`asInteger` answer by representation: quantity("1000m") is
 * not an integer to kube, quantity("1.5Ki") neither.
 */
import { type CelFunc, type CelValue, celFunc, celMethod, CelScalar } from '@bufbuild/cel';
import { OpaqueType, QUANTITY_DESC } from './opaque.js';

/** value = unscaled × 10^exp; `dec` says kube holds it as an inf.Dec (else an int64Amount). */
export interface Quantity {
  dec: boolean;
  unscaled: bigint;
  exp: number;
}

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const fitsInt64 = (v: bigint): boolean => v >= INT64_MIN && v <= INT64_MAX;
const NANO = -9;
/** Past this many digits of alignment, arithmetic refuses instead of building a number that large. */
const MAX_ALIGN_DIGITS = 1_000;
/**
 * Digits a quantity's number may have. kube has no such limit, but a
 * multi-megabyte number costs seconds of bigint work per evaluation here;
 * past it the number is refused with kube's numeric error.
 */
const MAX_NUMBER_DIGITS = 1_000;

const DEC_SUFFIXES: Record<string, number> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** apimachinery's parseQuantityString. */
function split(str: string): { positive: boolean; value: string; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i]!)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new Error(ERR_FORMAT_WRONG);
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: Format } {
  if (Object.hasOwn(DEC_SUFFIXES, suffix)) return { base: 10, exponent: DEC_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BIN_SUFFIXES, suffix)) return { base: 2, exponent: BIN_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const parsed = BigInt(suffix.slice(1));
    // Go's strconv.ParseInt(..., 64) then int32(): out of int64 is an error, past int32 wraps.
    if (fitsInt64(parsed)) return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  throw new Error(ERR_SUFFIX);
}

const digits = (v: bigint): number => (v < 0n ? -v : v).toString().length;
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** resource.ParseQuantity; throws kube's error. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new Error(ERR_FORMAT_WRONG);
  if (str === '0') return { dec: false, unscaled: 0n, exp: 0 };
  const { positive, value, num, denom, suffix } = split(str);
  const { base, exponent, format } = interpretSuffix(suffix);

  let precision = 0;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc(Math.fround(Math.fround(exponent) * 3) / 10) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = BigInt(num + denom);
      if (!fitsInt64(shifted)) throw new Error(ERR_NUMERIC);
      const result = shifted * mantissa;
      if (fitsInt64(result)) return { dec: false, unscaled: positive ? result : -result, exp: scale };
    }
  }

  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m || `${m[2]}${m[3] ?? ''}` === '' || m[2]!.length + (m[3] ?? '').length > MAX_NUMBER_DIGITS) throw new Error(ERR_NUMERIC);
  let unscaled = BigInt(`${m[2]}${m[3] ?? ''}`);
  let exp = -(m[3] ?? '').length;
  if (base === 10) exp += exponent;
  else unscaled *= 1n << BigInt(exponent);
  // Non-zero values round up (away from zero) to a whole nano.
  if (unscaled !== 0n && exp < NANO) {
    const shift = NANO - exp;
    if (shift > digits(unscaled)) {
      unscaled = 1n;
    } else {
      const p = 10n ** BigInt(shift);
      unscaled = unscaled / p + (unscaled % p === 0n ? 0n : 1n);
    }
    exp = NANO;
  }
  if (format === 'BinarySI' && compare({ dec: true, unscaled, exp }, { dec: false, unscaled: INT64_MAX, exp: 0 }) > 0) {
    unscaled = INT64_MAX;
    exp = 0;
  }
  return { dec: true, unscaled: positive ? unscaled : -unscaled, exp };
}

export function sign(q: Quantity): number {
  return q.unscaled === 0n ? 0 : q.unscaled > 0n ? 1 : -1;
}

/** Both values over their smaller exponent; throws when that would take more than MAX_ALIGN_DIGITS digits. */
function align(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  const da = a.exp - exp;
  const db = b.exp - exp;
  if ((a.unscaled !== 0n && da > MAX_ALIGN_DIGITS) || (b.unscaled !== 0n && db > MAX_ALIGN_DIGITS)) throw new Error('quantity is too large for arithmetic');
  return [a.unscaled === 0n ? 0n : a.unscaled * 10n ** BigInt(da), b.unscaled === 0n ? 0n : b.unscaled * 10n ** BigInt(db), exp];
}

/** Quantity.Cmp: -1, 0 or 1. */
export function compare(a: Quantity, b: Quantity): number {
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== sb || sa === 0) return Math.sign(sa - sb);
  // Same sign: the order of magnitude decides, unless equal (then alignment is short).
  const ma = digits(a.unscaled) + a.exp;
  const mb = digits(b.unscaled) + b.exp;
  if (ma !== mb) return ma > mb ? sa : -sa;
  const [x, y] = align(a, b);
  return x === y ? 0 : x > y ? 1 : -1;
}

/** int64Amount.Add: the int64 form when both are and nothing overflows. */
function addInt64(a: Quantity, b: Quantity): Quantity | undefined {
  if (b.unscaled === 0n) return a;
  if (a.unscaled === 0n) return b;
  const exp = Math.min(a.exp, b.exp);
  const scaleUp = (v: bigint, by: number): bigint | undefined => {
    if (by === 0) return v;
    if (by > 19) return undefined;
    const r = v * 10n ** BigInt(by);
    return fitsInt64(r) ? r : undefined;
  };
  const x = scaleUp(a.unscaled, a.exp - exp);
  const y = scaleUp(b.unscaled, b.exp - exp);
  if (x === undefined || y === undefined || !fitsInt64(x + y)) return undefined;
  return { dec: false, unscaled: x + y, exp };
}

/** Quantity.Add (negate for Sub). */
export function add(a: Quantity, b: Quantity): Quantity {
  if (!a.dec && !b.dec) {
    const r = addInt64(a, b);
    if (r) return r;
  }
  const [x, y, exp] = align(a, b);
  return { dec: true, unscaled: x + y, exp };
}

export const negate = (q: Quantity): Quantity => ({ ...q, unscaled: -q.unscaled });
export const fromInt = (i: bigint): Quantity => ({ dec: false, unscaled: i, exp: 0 });

/** Quantity.AsInt64: only the int64 form with a scale of at least zero converts. */
export function asInt64(q: Quantity): bigint | undefined {
  if (q.dec || q.exp < 0) return undefined;
  if (q.exp === 0 || q.unscaled === 0n) return q.unscaled;
  if (q.exp > 19) return undefined;
  const v = q.unscaled * 10n ** BigInt(q.exp);
  return fitsInt64(v) ? v : undefined;
}

export function asApproximateFloat(q: Quantity): number {
  const base = Number(q.unscaled);
  return q.exp === 0 ? base : base * 10 ** q.exp;
}

/** The exact value, normalized: what `==` compares. */
function key(q: Quantity): string {
  if (q.unscaled === 0n) return '0';
  const text = q.unscaled.toString();
  const zeros = text.length - text.replace(/0+$/, '').length;
  return `${text.slice(0, text.length - zeros)}e${q.exp + zeros}`;
}

export const QUANTITY = new OpaqueType<Quantity>(QUANTITY_DESC);
const Q = QUANTITY.type;
const { STRING, BOOL, INT, DOUBLE } = CelScalar;
const wrap = (q: Quantity) => QUANTITY.of(key(q), q);
const get = (v: unknown): Quantity => QUANTITY.from(v as CelValue);

export const QUANTITY_LIBRARY: readonly CelFunc[] = [
  celFunc('quantity', [STRING], Q, (s: string) => wrap(parseQuantity(s))),
  celFunc('isQuantity', [STRING], BOOL, (s: string) => {
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  }),
  // A global function in kube's declaration (cel.Overload, not MemberOverload), whatever its doc comment shows.
  celFunc('sign', [Q], INT, (q) => BigInt(sign(get(q)))),
  celMethod('isGreaterThan', Q, [Q], BOOL, function (o) { return compare(get(this), get(o)) === 1; }),
  celMethod('isLessThan', Q, [Q], BOOL, function (o) { return compare(get(this), get(o)) === -1; }),
  celMethod('compareTo', Q, [Q], INT, function (o) { return BigInt(compare(get(this), get(o))); }),
  celMethod('add', Q, [Q], Q, function (o) { return wrap(add(get(this), get(o))); }),
  celMethod('add', Q, [INT], Q, function (i: bigint) { return wrap(add(get(this), fromInt(i))); }),
  celMethod('sub', Q, [Q], Q, function (o) { return wrap(add(get(this), negate(get(o)))); }),
  celMethod('sub', Q, [INT], Q, function (i: bigint) { return wrap(add(get(this), fromInt(-i))); }),
  celMethod('asInteger', Q, [], INT, function () {
    const v = asInt64(get(this));
    if (v === undefined) throw new Error('cannot convert value to integer');
    return v;
  }),
  celMethod('isInteger', Q, [], BOOL, function () { return asInt64(get(this)) !== undefined; }),
  celMethod('asApproximateFloat', Q, [], DOUBLE, function () { return asApproximateFloat(get(this)); }),
];
