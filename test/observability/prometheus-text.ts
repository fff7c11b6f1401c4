/**
 * A small reader of the Prometheus text format (0.0.4), strict enough to
 * fail on anything a scraper would refuse: every line is a comment (# HELP,
 * # TYPE), blank, or `name{label="value",...} number`.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric family → its TYPE. */
  types: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (!m) throw new Error(`line ${i + 1}: bad comment: ${line}`);
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!)) throw new Error(`line ${i + 1}: bad type: ${line}`);
        types.set(m[2]!, m[3]!);
      }
      return;
    }
    samples.push(parseSample(line, i + 1));
  });
  return { samples, types };
}

function parseSample(line: string, n: number): Sample {
  const fail = (why: string): never => {
    throw new Error(`line ${n}: ${why}: ${line}`);
  };
  const name = NAME.exec(line)?.[0] ?? fail('no metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest)?.[0] ?? fail('bad label name');
      rest = rest.slice(label.length);
      if (!rest.startsWith('="')) fail('label without ="');
      rest = rest.slice(2);
      let value = '';
      for (;;) {
        const c = rest[0];
        if (c === undefined) fail('unterminated label value');
        if (c === '"') break;
        if (c === '\\') {
          const e = rest[1];
          if (e === 'n') value += '\n';
          else if (e === '\\' || e === '"') value += e;
          else fail('bad escape');
          rest = rest.slice(2);
          continue;
        }
        value += c;
        rest = rest.slice(1);
      }
      rest = rest.slice(1);
      if (label in labels) fail(`label ${label} twice`);
      labels[label] = value;
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) fail('labels not separated by ,');
    }
    rest = rest.slice(1);
  }
  const m = /^ (\S+)( -?\d+)?$/.exec(rest) ?? fail('no value');
  const raw = m[1]!;
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
  if (Number.isNaN(value) && raw !== 'NaN') fail('bad value');
  return { name, labels, value };
}

/** The sum of the samples of `name` whose labels include all of `match`. */
export function sumOf(e: Exposition, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const s of e.samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** Every distinct label set of `name`, as a sorted key=value string. */
export function seriesOf(e: Exposition, name: string): Set<string> {
  const out = new Set<string>();
  for (const s of e.samples) {
    if (s.name !== name) continue;
    out.add(
      Object.entries(s.labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(','),
    );
  }
  return out;
}
