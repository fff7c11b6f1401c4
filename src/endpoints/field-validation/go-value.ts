import { compareGoStrings } from '../../apimachinery/validation/go-format.js';

/**
 * How kube's patch errors show the patched object: JSON and merge patches
 * print the re-encoded JSON (Go's encoding/json: map keys sorted, <, > and &
 * escaped); strategic merge patches print the Go map with %+v.
 */

const sortedKeys = (o: object): string[] => Object.keys(o).sort(compareGoStrings);

/** Go's json.Marshal of a decoded value (objects as maps). */
export function goJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJSONString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? goFloat(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${sortedKeys(o).filter((k) => o[k] !== undefined).map((k) => `${goJSONString(k)}:${goJSON(o[k])}`).join(',')}}`;
  }
  return 'null';
}

function goJSONString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go's float formatting in JSON: integers plainly, exponents from 1e21, as strconv 'f'/'e'. */
function goFloat(n: number): string {
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go writes e-07 / e+21 with at least two exponent digits.
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

/** Go's %+v of a map[string]interface{} as decoded from JSON. */
export function goMapString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goMapString).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${sortedKeys(o).map((k) => `${k}:${goMapString(o[k])}`).join(' ')}]`;
  }
  return String(v);
}
