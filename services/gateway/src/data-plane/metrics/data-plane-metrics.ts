import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitState } from '../upstream/circuit-breaker';
import { type CounterCell, HotCounter, HotHistogram, type HistogramCell } from './hot-metrics';

const statusClasses = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const NO_ROUTE = 'none';

interface RouteSeries {
  readonly requests: ReadonlyArray<CounterCell>;
  readonly overhead: HistogramCell;
  readonly upstream: HistogramCell;
}

const circuitValue: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** What `gateway_route_info` says about a route. */
export interface RouteInfo {
  readonly routeId: string;
  readonly apiName: string;
  readonly tenantId: string;
}

/**
 * The data plane's Prometheus series. Labels are bounded: route ids (never raw paths),
 * status classes, upstream origins from the configuration. Children are created once per
 * route and reused, so recording a request is a few additions.
 */
export class DataPlaneMetrics {
  private readonly requests: HotCounter;
  private readonly overhead: HotHistogram;
  private readonly upstreamLatency: HotHistogram;
  private readonly series = new Map<string, RouteSeries>();
  readonly tokenCacheHits: CounterCell;
  readonly tokenCacheMisses: CounterCell;
  readonly tokenRefusals: Counter;
  readonly circuitState: Gauge;
  readonly upstreamHealthy: Gauge;
  readonly upstreamFailures: Counter;
  readonly retries: Counter;
  readonly usageBatchSize: Histogram;
  readonly usageRecords: Counter;
  readonly journalBytes: Gauge;
  readonly journalBatches: Gauge;
  readonly caughtUp: Gauge;
  /** Where the in-flight gauge reads from (set by the server). */
  inFlightSource: () => number = () => 0;

  /** `routes` is read at each scrape for `gateway_route_info`, so removed routes disappear from it. */
  constructor(registry: Registry, staleness: () => number, tokenCacheRatio: () => number, routes: () => Iterable<RouteInfo> = () => []) {
    const registers = [registry];
    this.requests = new HotCounter(registry, 'gateway_requests_total', 'Requests answered by the data plane, by route id and status class.', ['route', 'status_class']);
    const buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
    this.overhead = new HotHistogram(registry, 'gateway_overhead_seconds', 'Time spent in the gateway itself (total minus upstream).', ['route'], buckets);
    this.upstreamLatency = new HotHistogram(registry, 'gateway_upstream_seconds', 'Upstream latency, from dispatch to the end of the response.', ['route'], [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
    this.tokenCacheHits = new HotCounter(registry, 'gateway_token_cache_hits_total', 'Bearer tokens served from the verified-token cache.', []).cell();
    this.tokenCacheMisses = new HotCounter(registry, 'gateway_token_cache_misses_total', 'Bearer tokens verified cryptographically.', []).cell();
    new Gauge({ name: 'gateway_token_cache_hit_ratio', help: 'Hits / (hits + misses) of the verified-token cache since start.', registers, collect() { this.set(tokenCacheRatio()); } });
    this.tokenRefusals = new Counter({ name: 'gateway_token_refusals_total', help: 'Bearer tokens refused, by error code.', labelNames: ['code'], registers });
    this.circuitState = new Gauge({ name: 'gateway_upstream_circuit_state', help: 'Circuit breaker per upstream origin: 0 closed, 1 half-open, 2 open.', labelNames: ['upstream'], registers });
    this.upstreamHealthy = new Gauge({ name: 'gateway_upstream_healthy', help: '1 when the upstream origin accepts traffic (circuit not open).', labelNames: ['upstream'], registers });
    this.upstreamFailures = new Counter({ name: 'gateway_upstream_failures_total', help: 'Failed upstream attempts, by origin and kind.', labelNames: ['upstream', 'kind'], registers });
    this.retries = new Counter({ name: 'gateway_upstream_retries_total', help: 'Upstream attempts retried.', labelNames: ['route'], registers });
    this.usageBatchSize = new Histogram({ name: 'gateway_usage_batch_size', help: 'Usage records per batch handed to Kafka or the journal.', buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 2500], registers });
    this.usageRecords = new Counter({ name: 'gateway_usage_records_total', help: 'Usage records by outcome: produced, journaled, replayed, dropped_invalid.', labelNames: ['outcome'], registers });
    this.journalBytes = new Gauge({ name: 'gateway_usage_journal_bytes', help: 'Bytes of usage batches waiting in the local journal.', registers });
    this.journalBatches = new Gauge({ name: 'gateway_usage_journal_batches', help: 'Usage batches waiting in the local journal.', registers });
    new Gauge({ name: 'gateway_config_staleness_seconds', help: 'Seconds since the last state record was applied.', registers, collect() { this.set(staleness()); } });
    this.caughtUp = new Gauge({ name: 'gateway_config_caught_up', help: '1 once the state topics were read up to the high-water marks seen at start.', registers });
    const inFlight = () => this.inFlightSource();
    new Gauge({
      name: 'gateway_route_info',
      help: 'Always 1: the API and tenant of each route id, to join onto the per-route series (group_left).',
      labelNames: ['route', 'api', 'tenant'],
      registers,
      collect() {
        this.reset();
        for (const route of routes()) this.labels(route.routeId, route.apiName, route.tenantId).set(1);
      },
    });
    new Gauge({ name: 'gateway_requests_in_flight', help: 'Requests being served by the data plane.', registers, collect() { this.set(inFlight()); } });
  }

  route(routeId: string | null): RouteSeries {
    const id = routeId ?? NO_ROUTE;
    let series = this.series.get(id);
    if (series === undefined) {
      series = {
        requests: statusClasses.map((statusClass) => this.requests.cell(id, statusClass)),
        overhead: this.overhead.cell(id),
        upstream: this.upstreamLatency.cell(id),
      };
      this.series.set(id, series);
    }
    return series;
  }

  /** Records one answered request; latencies in milliseconds. */
  observe(routeId: string | null, status: number, totalMs: number, upstreamMs: number | null): void {
    const series = this.route(routeId);
    const statusClass = Math.min(4, Math.max(0, Math.floor(status / 100) - 1));
    series.requests[statusClass]!.inc();
    series.overhead.observe(Math.max(0, totalMs - (upstreamMs ?? 0)) / 1000);
    if (upstreamMs !== null) series.upstream.observe(upstreamMs / 1000);
  }

  circuitChanged(origin: string, state: CircuitState): void {
    this.circuitState.labels(origin).set(circuitValue[state]);
    this.upstreamHealthy.labels(origin).set(state === 'open' ? 0 : 1);
  }
}
