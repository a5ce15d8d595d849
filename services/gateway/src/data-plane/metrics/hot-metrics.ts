import type { Registry } from 'prom-client';

/**
 * Counters and histograms for the request path. prom-client validates and hashes the labels
 * on every call, even through a child; these keep one plain cell per label set, made once,
 * so recording is a few additions. They render through the same registry (`registerMetric`),
 * default labels included.
 */
interface MetricValue {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
}

abstract class HotMetric<C> {
  protected readonly cells = new Map<string, { labels: Record<string, string>; cell: C }>();

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly labelNames: readonly string[],
  ) {
    registry.registerMetric(this as never);
  }

  /** The cell of one label set (label values in the order of the label names). */
  cell(...values: string[]): C {
    const key = values.join('\u0000');
    let entry = this.cells.get(key);
    if (entry === undefined) {
      const labels = Object.fromEntries(this.labelNames.map((label, index) => [label, values[index] ?? '']));
      entry = { labels, cell: this.create() };
      this.cells.set(key, entry);
    }
    return entry.cell;
  }

  protected abstract create(): C;

  abstract get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: MetricValue[] }>;

  reset(): void {
    this.cells.clear();
  }
}

export class CounterCell {
  value = 0;
  inc(amount = 1): void {
    this.value += amount;
  }
}

export class HotCounter extends HotMetric<CounterCell> {
  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    super(registry, name, help, 'counter', labelNames);
  }

  protected create(): CounterCell {
    return new CounterCell();
  }

  async get() {
    const values = [...this.cells.values()].map(({ labels, cell }) => ({ labels, value: cell.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum' as const, values };
  }
}

export class HistogramCell {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index += 1) {
      if (value <= bounds[index]!) {
        this.counts[index]! += 1;
        return;
      }
    }
  }
}

export class HotHistogram extends HotMetric<HistogramCell> {
  constructor(
    registry: Registry,
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly bounds: readonly number[],
  ) {
    super(registry, name, help, 'histogram', labelNames);
  }

  protected create(): HistogramCell {
    return new HistogramCell(this.bounds);
  }

  async get() {
    const values: MetricValue[] = [];
    for (const { labels, cell } of this.cells.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += cell.counts[index]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: String(bound) }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cell.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: cell.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum' as const, values };
  }
}
