import { StatusError } from '../../apimachinery/status-error.js';
import { failureStatus } from '../../apimachinery/status.js';

/**
 * A strategic merge patch that cannot be applied or computed. It is a
 * StatusError carrying the Status kube-apiserver answers for the same fault
 * (interpretStrategicMergePatchError): format errors are 400 BadRequest,
 * lists of lists and retainKeys mismatches 422 Invalid with kube's generic
 * text. kube sends every other fault as a 500 with the bare message (an error
 * that is not a Status), but each of them is made by the client's patch (a
 * missing merge key, an unknown $patch directive, a value of the wrong type),
 * so here they are 400 BadRequest with that message. `detail` always holds
 * the underlying message.
 */
export class StrategicMergePatchError extends StatusError {
  constructor(
    code: 400 | 409 | 422,
    readonly detail: string,
  ) {
    super(
      code === 400
        ? failureStatus(400, 'BadRequest', detail)
        : code === 422
          ? failureStatus(422, 'Invalid', 'the server rejected our request due to an error in our request')
          : failureStatus(409, 'Conflict', detail),
    );
    this.name = 'StrategicMergePatchError';
  }
}

export const isStrategicMergePatchError = (err: unknown): err is StrategicMergePatchError => err instanceof StrategicMergePatchError;

// kube's sentinel errors (k8s.io/apimachinery/pkg/util/mergepatch), with the codes the patch handler gives them.
export const errBadJSONDoc = (): StrategicMergePatchError => new StrategicMergePatchError(400, 'invalid JSON document');
export const errNoListOfLists = (): StrategicMergePatchError => new StrategicMergePatchError(422, 'lists of lists are not supported');
export const errBadPatchFormatForPrimitiveList = (): StrategicMergePatchError =>
  new StrategicMergePatchError(400, 'invalid patch format of primitive list');
export const errBadPatchFormatForRetainKeys = (): StrategicMergePatchError => new StrategicMergePatchError(400, 'invalid patch format of retainKeys');
export const errBadPatchFormatForSetElementOrderList = (): StrategicMergePatchError =>
  new StrategicMergePatchError(400, 'invalid patch format of setElementOrder list');

export const errNoMergeKey = (m: unknown, key: string): StrategicMergePatchError =>
  new StrategicMergePatchError(400, `map: ${goString(m)} does not contain declared merge key: ${key}`);
export const errBadArgType = (expected: string, actual: unknown): StrategicMergePatchError =>
  new StrategicMergePatchError(400, `expected a ${expected}, but received a ${goTypeName(actual)}`);
export const errBadPatchType = (t: unknown, m: unknown): StrategicMergePatchError =>
  new StrategicMergePatchError(400, `unknown patch type: ${goString(t, '%s')} in map: ${goString(m)}`);
export const errOther = (message: string): StrategicMergePatchError => new StrategicMergePatchError(400, message);

/** The Go type names kube's messages print for decoded JSON ("map[string]interface {}", "int64"...). */
export const MAP_TYPE = 'map[string]interface {}';
export const SLICE_TYPE = '[]interface {}';

export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return SLICE_TYPE;
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      // The server decodes patches preserving integers (int64); other numbers are float64.
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'object':
      return MAP_TYPE;
    default:
      return typeof v;
  }
}

/** A decoded JSON value as Go's fmt prints it with %v (maps with sorted keys), or %s for the verb kube used. */
export function goString(v: unknown, verb: '%v' | '%s' = '%v'): string {
  if (v === null || v === undefined) return verb === '%s' ? '%!s(<nil>)' : '<nil>';
  if (Array.isArray(v)) return `[${v.map((e) => goString(e, verb)).join(' ')}]`;
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return verb === '%s' ? `%!s(bool=${v})` : String(v);
    case 'number': {
      const s = Number.isInteger(v) ? String(v) : goFloat(v);
      return verb === '%s' ? `%!s(${goTypeName(v)}=${s})` : s;
    }
    case 'object': {
      const m = v as Record<string, unknown>;
      const keys = Object.keys(m).sort();
      return `map[${keys.map((k) => `${k}:${goString(m[k], verb)}`).join(' ')}]`;
    }
    default:
      return String(v);
  }
}

/** Go's %v of a float64: shortest digits, exponent form from 1e6 up and below 1e-4 (strconv 'g', shortest). */
function goFloat(v: number): string {
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [mant, e] = v.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(v);
}
