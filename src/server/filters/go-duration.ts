/**
 * Go's time.ParseDuration, for query parameters that kube reads with it
 * (`timeout`): a signed sequence of decimal numbers each with a unit
 * (ns, us, µs, ms, s, m, h), or "0". Returns milliseconds; throws an Error
 * with Go's message for anything else.
 */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  const part = /^(\d*)(?:\.(\d*))?([^\d.]*)/;
  let total = 0;
  while (s !== '') {
    const m = part.exec(s)!;
    const [all, whole = '', frac, unit = ''] = m;
    if (whole === '' && (frac === undefined || frac === '')) throw invalid();
    if (unit === '') throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    const ms = UNIT_MS[unit];
    if (ms === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`);
    total += Number(`${whole || '0'}.${frac ?? ''}0`) * ms;
    s = s.slice(all.length);
  }
  return sign * total;
}
