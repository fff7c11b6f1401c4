/**
 * kube's resource.Quantity, as far as the API server needs it: parsing
 * (ParseQuantity, with its error texts), the canonical string kube stores and
 * prints ("1000m" → "1", "1.5" → "1500m", "2048Mi" → "2Gi"), sign and
 * integrality. Values are exact: a BigInt count of nano units, rounded up
 * below 1n as kube rounds.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value times 10^9. */
  nanos: bigint;
  format: QuantityFormat;
}

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = "unable to parse quantity's numeric part";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {}

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX_OF = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const NANO = 10n ** 9n;
const MAX_DECIMAL_EXPONENT = 1000;
const MAX_DIGITS = 1000;

/** kube's suffixer.interpret: base, exponent and format of a suffix. */
function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (suffix in BINARY) return { base: 2, exponent: BINARY[suffix], format: 'BinarySI' };
  if (suffix in DECIMAL) return { base: 10, exponent: DECIMAL[suffix], format: 'DecimalSI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = Number.parseInt(suffix.slice(1), 10);
    // Exact arithmetic on 10^exponent would take minutes for "1e300000" (kube keeps a scale
    // instead); no resource is near 1e1000, so such an exponent is refused as unparsable.
    if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) throw new QuantityParseError(QUANTITY_NUMERIC_ERROR);
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw new QuantityParseError(QUANTITY_SUFFIX_ERROR);
}

/** kube's parseQuantityString: sign, numerator, denominator and suffix, by its scanner's rules. */
function split(str: string): { positive: boolean; num: string; denom: string; suffix: string } {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[-+]?\d*)$/.exec(str);
  if (!m) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  const num = m[2].replace(/^0+/, '') || '0';
  // As with exponents: kube takes any length, but exact arithmetic on a megabyte of digits takes seconds.
  if (num.length + (m[3] ?? '').length > MAX_DIGITS) throw new QuantityParseError(QUANTITY_NUMERIC_ERROR);
  return { positive: m[1] !== '-', num, denom: m[3] ?? '', suffix: m[4] };
}

/** Division rounding away from zero (inf.RoundUp), for positive divisors. */
function divRoundUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d === 0n ? q : n > 0n ? q + 1n : q - 1n;
}

export function parseQuantity(input: string): Quantity {
  const str = input.trim() === input ? input : '';
  if (str.length === 0) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  if (str === '0') return { nanos: 0n, format: 'DecimalSI' };
  const { positive, num, denom, suffix } = split(str);
  const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
  let format = parsedFormat;
  // value = (num.denom) * base^exponent, as an exact fraction over 10^len(denom).
  let numerator = BigInt(num + denom) * NANO;
  let denominator = 10n ** BigInt(denom.length);
  if (base === 2) numerator *= 2n ** BigInt(exponent);
  else if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  let nanos = divRoundUp(numerator, denominator);
  if (!positive) nanos = -nanos;
  // A binary quantity below one is shown in decimal (kube: "avoids rounding and hopefully confusion").
  if (format === 'BinarySI' && nanos > 0n && nanos < NANO) format = 'DecimalSI';
  return { nanos, format };
}

/** Removes factors of `f` from `n`, counting them. */
function removeFactors(n: bigint, f: bigint): { value: bigint; times: number } {
  if (f === 10n && n !== 0n) {
    // Trailing zeros of the decimal text: linear, where dividing a long number by ten per zero is quadratic.
    const text = n.toString();
    const times = text.length - text.replace(/0+$/, '').length;
    return { value: BigInt(text.slice(0, text.length - times)), times };
  }
  let value = n;
  let times = 0;
  while (value !== 0n && value % f === 0n) {
    value /= f;
    times++;
  }
  return { value, times };
}

/** kube's Quantity.String(): the canonical form. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  let format = q.format;
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  if (format === 'BinarySI' && (abs < 1024n * NANO || q.nanos % NANO !== 0n)) format = 'DecimalSI';
  if (format === 'BinarySI') {
    const { value, times } = removeFactors(q.nanos / NANO, 1024n);
    const suffix = Object.keys(BINARY).find((s) => BINARY[s] === times * 10);
    // Beyond Ei kube keeps multiplying back; quantities that large do not occur in practice.
    return suffix === undefined ? String(q.nanos / NANO) : `${value}${suffix}`;
  }
  let { value, times } = removeFactors(q.nanos, 10n);
  let exponent = times - 9;
  // Make the exponent a multiple of three.
  const rem = ((exponent % 3) + 3) % 3;
  if (rem !== 0) {
    value *= 10n ** BigInt(rem);
    exponent -= rem;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${value}` : `${value}e${exponent}`;
  const suffix = DECIMAL_SUFFIX_OF.get(exponent);
  return suffix === undefined ? `${value}e${exponent}` : `${value}${suffix}`;
}

/** The canonical form of a quantity string, or a QuantityParseError. */
export const canonicalQuantity = (s: string): string => formatQuantity(parseQuantity(s));

export const isNegativeQuantity = (q: Quantity): boolean => q.nanos < 0n;

/** Whether the quantity is a whole number (kube: MilliValue() % 1000 == 0). */
export const isWholeQuantity = (q: Quantity): boolean => (q.nanos / 1000000n) % 1000n === 0n;

export const compareQuantities = (a: Quantity, b: Quantity): number => (a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0);

/** A quantity as JSON carries it: a string, or (as kube's decoder also takes) a number. */
export function quantityText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
