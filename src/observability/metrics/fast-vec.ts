import type { Metric } from 'prom-client';
import { registry } from './registry.js';

/**
 * Counter and histogram vectors whose children hold their values directly:
 * an increment is an addition. prom-client's own children re-hash their label
 * set on every inc() and observe() (about 2 to 4 µs each here), which on
 * the request path alone would cost a GET several percent. These render
 * through the same registry, in the same text format, when scraped.
 */

interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** The shape the registry reads of a metric when it renders it. */
interface Rendered {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: Sample[];
  aggregator: 'sum';
}

abstract class Vec<C> {
  private readonly children = new Map<string, { labels: Record<string, string>; child: C }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
  ) {
    // The registry asks get() of each metric it holds; it needs nothing else of these.
    registry.registerMetric(this as unknown as Metric);
  }

  /** The child of a label set (values in labelNames' order), made once per `key`: callers keep keys one-to-one with values. */
  child(key: string, values: readonly string[]): C {
    let entry = this.children.get(key);
    if (!entry) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ''));
      entry = { labels, child: this.make() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  protected abstract make(): C;
  protected abstract samples(labels: Record<string, string>, child: C): Sample[];
  abstract readonly type: 'counter' | 'histogram';

  get(): Promise<Rendered> {
    const values: Sample[] = [];
    for (const { labels, child } of this.children.values()) values.push(...this.samples(labels, child));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' });
  }

  reset(): void {
    this.children.clear();
  }
}

export class CounterChild {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
}

export class FastCounterVec extends Vec<CounterChild> {
  readonly type = 'counter';
  protected make(): CounterChild {
    return new CounterChild();
  }
  protected samples(labels: Record<string, string>, c: CounterChild): Sample[] {
    return [{ labels, value: c.value }];
  }
}

export class HistogramChild {
  /** Observations per bucket (not cumulative); the last is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class FastHistogramVec extends Vec<HistogramChild> {
  readonly type = 'histogram';
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly bounds: readonly number[],
  ) {
    super(name, help, labelNames);
  }
  protected make(): HistogramChild {
    return new HistogramChild(this.bounds);
  }
  protected samples(labels: Record<string, string>, h: HistogramChild): Sample[] {
    const out: Sample[] = [];
    let cumulative = 0;
    this.bounds.forEach((le, i) => {
      cumulative += h.counts[i]!;
      out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
    });
    out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.count });
    out.push({ metricName: `${this.name}_sum`, labels, value: h.sum });
    out.push({ metricName: `${this.name}_count`, labels, value: h.count });
    return out;
  }
}
