import { goQuote } from '../../apimachinery/validation/go-format.js';

/**
 * Go's time.Parse for the two layouts kube's timestamps use (metav1.Time:
 * RFC 3339; metav1.MicroTime: RFC 3339 with six fractional digits): undefined
 * when the text parses, else Go's ParseError text, which kube puts in its 400.
 */
export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Chunk = { lit: string } | { std: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'frac6' | 'zone'; text: string };

const CHUNKS: Readonly<Record<string, readonly Chunk[]>> = {
  [RFC3339]: chunks(false),
  [RFC3339_MICRO]: chunks(true),
};

function chunks(micro: boolean): Chunk[] {
  return [
    { std: 'year', text: '2006' }, { lit: '-' }, { std: 'month', text: '01' }, { lit: '-' }, { std: 'day', text: '02' }, { lit: 'T' },
    { std: 'hour', text: '15' }, { lit: ':' }, { std: 'minute', text: '04' }, { lit: ':' }, { std: 'second', text: '05' },
    ...(micro ? [{ std: 'frac6', text: '.000000' } as const] : []),
    { std: 'zone', text: 'Z07:00' },
  ];
}

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** Go's getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

const daysIn = (month: number, year: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

export function goTimeParseError(layout: typeof RFC3339 | typeof RFC3339_MICRO, value: string): string | undefined {
  const cannot = (rest: string, elem: string) => `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(rest)} as ${goQuote(elem)}`;
  const outOfRange = (what: string) => `parsing time ${goQuote(value)}: ${what} out of range`;
  let rest = value;
  let year = 0;
  let month = 0;
  let day = 0;
  for (const chunk of CHUNKS[layout]!) {
    if ('lit' in chunk) {
      if (!rest.startsWith(chunk.lit)) return cannot(rest, chunk.lit);
      rest = rest.slice(chunk.lit.length);
      continue;
    }
    const hold = rest;
    switch (chunk.std) {
      case 'year': {
        if (rest.length < 4 || !/^\d{4}/.test(rest)) return cannot(hold, chunk.text);
        year = Number(rest.slice(0, 4));
        rest = rest.slice(4);
        break;
      }
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second': {
        const got = getnum(rest, chunk.std !== 'hour');
        if (!got) return cannot(hold, chunk.text);
        const [n, after] = got;
        rest = after;
        if (chunk.std === 'month' && (n < 1 || n > 12)) return outOfRange('month');
        if (chunk.std === 'day') day = n;
        if (chunk.std === 'month') month = n;
        if (chunk.std === 'hour' && n >= 24) return outOfRange('hour');
        if ((chunk.std === 'minute' || chunk.std === 'second') && n >= 60) return outOfRange(chunk.std);
        // RFC 3339 (no fractional element in the layout) still takes a fraction after the seconds.
        if (chunk.std === 'second' && layout === RFC3339 && rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
          let n2 = 2;
          while (isDigit(rest, n2)) n2++;
          rest = rest.slice(n2);
        }
        break;
      }
      case 'frac6':
        if (rest.length < 7 || rest[0] !== '.' || !/^\.\d{6}/.test(rest)) return cannot(hold, chunk.text);
        rest = rest.slice(7);
        break;
      case 'zone':
        if (rest[0] === 'Z') {
          rest = rest.slice(1);
          break;
        }
        if (rest.length < 6 || rest[3] !== ':' || (rest[0] !== '+' && rest[0] !== '-') || !/^\d\d$/.test(rest.slice(1, 3)) || !/^\d\d$/.test(rest.slice(4, 6))) {
          return cannot(hold, chunk.text);
        }
        rest = rest.slice(6);
        break;
    }
  }
  if (rest.length > 0) return `parsing time ${goQuote(value)}: extra text: ${goQuote(rest)}`;
  if (day < 1 || day > daysIn(month, year)) return outOfRange('day');
  return undefined;
}
