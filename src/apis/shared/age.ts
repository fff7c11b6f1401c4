/**
 * The AGE column of `kubectl get` (kube's printers translateTimestampSince and
 * apimachinery's duration.HumanDuration), and the texts kube's printers give
 * the columns every kind shares. `now` is passed in so tables are testable.
 */
import type { TableColumn } from '../../registry/strategy.js';
import type { KubeObject } from '../../registry/object.js';

/** metav1.ObjectMeta's description of creationTimestamp, which kube reuses for AGE and CREATED AT. */
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. ' +
  'It is not guaranteed to be set in happens-before order across separate operations. ' +
  'Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\n' +
  'Populated by the system. Read-only. Null for lists. ' +
  'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's int(d / unit): truncation toward zero. */
const whole = (ms: number, unit: number): number => Math.trunc(ms / unit);

/** kube's duration.HumanDuration: "45s", "5m3s", "3h10m", "3d4h", "2y30d". */
export function humanDuration(ms: number): string {
  const seconds = whole(ms, SECOND);
  // Up to 2 seconds in the future is clock skew, "now"; more is invalid.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = whole(ms, MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = whole(ms, HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** kube's translateTimestampSince: "<unknown>" for a missing timestamp, else the age at `now`. */
export function translateTimestampSince(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** The AGE column (kube's "Age", a string cell). */
export function ageColumn<T extends KubeObject>(): TableColumn<T> {
  return {
    name: 'Age',
    type: 'string',
    description: CREATION_TIMESTAMP_DESCRIPTION,
    priority: 0,
    cell: (obj, now) => translateTimestampSince(obj.metadata?.creationTimestamp, now),
  };
}
