/**
 * kube's JSON forms of meta/v1 Time (RFC 3339 in UTC, whole seconds) and MicroTime
 * (RFC 3339 in UTC with exactly six fractional digits), and their parsing into the
 * protobuf Timestamp's seconds and nanos.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Seconds since the epoch and nanoseconds within that second, or undefined when the text is not RFC 3339. */
export function parseTime(text: string): { seconds: number; nanos: number } | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (!Number.isFinite(ms)) return undefined;
  let seconds = Math.floor(ms / 1000);
  // Date.UTC maps years 0-99 to 1900-1999; kube's times are never there, so refuse rather than guess.
  if (Number(y) < 100) return undefined;
  if (sign) seconds -= (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
  return { seconds, nanos };
}

const isoSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 19);

/** meta/v1 Time as JSON: "2026-01-02T03:04:05Z". */
export const formatTime = (seconds: number): string => `${isoSeconds(seconds)}Z`;

/** meta/v1 MicroTime as JSON: "2026-01-02T03:04:05.123456Z". */
export const formatMicroTime = (seconds: number, nanos: number): string =>
  `${isoSeconds(seconds)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
