import { Inject, Injectable } from '@nestjs/common';
import { METRICS } from '@gatehouse/platform';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const ingestPhases = ['decode', 'dead_letter', 'prepare', 'count', 'quota', 'commit', 'offset_commit'] as const;
export type IngestPhase = (typeof ingestPhases)[number];

/** Prometheus series of the usage ingest. */
@Injectable()
export class IngestMetrics {
  readonly ingested: Counter;
  readonly deduplicated: Counter;
  readonly late: Counter;
  readonly deadLettered: Counter<'code'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly rollupWrite: Histogram;
  readonly batchSize: Histogram;
  readonly phase: Histogram<'phase'>;
  readonly quotaChanges: Counter<'change'>;
  readonly failures: Counter;

  constructor(@Inject(METRICS) registry: Registry) {
    const registers = [registry];
    this.ingested = new Counter({ name: 'metering_records_ingested_total', help: 'Usage records counted (first time seen)', registers });
    this.deduplicated = new Counter({ name: 'metering_records_deduplicated_total', help: 'Usage records skipped because their record id was already counted', registers });
    this.late = new Counter({ name: 'metering_records_late_total', help: 'Usage records later than METERING_MAX_LATENESS, counted in the window they arrived in', registers });
    this.deadLettered = new Counter({ name: 'metering_records_dead_lettered_total', help: 'Usage messages sent to the dead-letter topic, by error code', labelNames: ['code'], registers });
    this.lag = new Gauge({ name: 'metering_consumer_lag', help: 'Messages between the last ingested offset and the high-water mark', labelNames: ['topic', 'partition'], registers });
    this.rollupWrite = new Histogram({
      name: 'metering_rollup_write_seconds',
      help: 'Duration of the statement writing one transaction of records into the ledger, the minute/hour/day rollups and the quota counters',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.batchSize = new Histogram({ name: 'metering_ingest_batch_size', help: 'Messages per ingest batch (one transaction)', buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 25000], registers });
    this.phase = new Histogram({
      name: 'metering_ingest_phase_seconds',
      help: 'Time per ingest batch spent in each phase',
      labelNames: ['phase'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.failures = new Counter({ name: 'metering_ingest_failures_total', help: 'Ingest transactions that failed and were retried', registers });
    this.quotaChanges = new Counter({ name: 'metering_quota_changes_total', help: 'Quota status changes published', labelNames: ['change'], registers });
  }
}
