import { StringerValue } from '../../apimachinery/validation/field-error.js';
import { goQuote } from '../../apimachinery/validation/go-format.js';
import { isObject } from './structural.js';

/**
 * Go's %#v of a decoded JSON value, as kube prints a compound bad value
 * (`Duplicate value: map[string]interface {}{"name":"a"}`): maps with sorted
 * keys, slices as []interface {}, integral numbers as int64, others float64.
 */
export function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v, Number.isInteger(v));
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${goSharpV(v[k])}`).join(', ')}}`;
  }
  return String(v);
}

/** A bad value for a FieldError: scalars as kube renders them, compounds in Go syntax. */
export function badValue(v: unknown): unknown {
  return Array.isArray(v) || isObject(v) ? new StringerValue(goSharpV(v)) : v;
}

/** json.Marshal's text (Go sorts map keys): equal compound values give equal keys. */
export function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJSON(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * A number as kube-openapi prints a bound: against an integer value it
 * checks and prints int64(bound) (%d); otherwise the float64 with Go's %v
 * (shortest form, exponent form from 1e+06 up and below 1e-04).
 */
export function goNumber(v: number, asInt: boolean): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (asInt) return BigInt(Math.trunc(v)).toString();
  if (v === 0) return '0';
  const [mant, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  return String(v);
}
