import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { IngestMetrics } from './ingest.metrics';
import type { PreparedBatch, UsageBatch } from './usage-batch';
import { UsageIngestService } from './usage-ingest.service';

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: string;
}

export type OffsetCommitter = (offsets: CommittedOffset[]) => Promise<void>;

/** Records prepared and waiting beyond which the consumer waits for the writer. */
const MAX_QUEUED_RECORDS = 40_000;
/** Most records per transaction: larger ones no longer amortize anything and spill to disk. */
const MAX_TRANSACTION_RECORDS = 20_000;
const FAILING_AFTER = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Decoding and writing overlap: the consumer hands each fetched partition batch over, it is
 * decoded at once, and the writer counts everything waiting in one transaction while the next
 * fetch is decoded. A batch's offset is committed only after its transaction committed, in
 * order per partition; until then a crash redelivers it and the ledger drops what was counted.
 * The writer retries a failing transaction with backoff for as long as it runs: records Postgres
 * refuses for their data never fail it, the ingest service isolates and dead-letters them.
 * The lag gauge follows every fetched batch's high-water mark and every commit.
 */
@Injectable()
export class IngestPipeline {
  private queue: PreparedBatch[] = [];
  private queued = 0;
  private writer: Promise<void> | undefined;
  private spaceWaiters: Array<() => void> = [];
  private closed = false;
  private heartbeat: () => Promise<void> = async () => undefined;
  private committer: OffsetCommitter = async () => undefined;
  private readonly highWatermarks = new Map<string, bigint>();
  /** Per partition, the next offset to read as last committed (or as the group resumed from). */
  private readonly committedOffsets = new Map<string, bigint>();
  private failures = 0;
  private lastError: Error | undefined;

  constructor(
    private readonly ingest: UsageIngestService,
    private readonly metrics: IngestMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Opens the pipeline for a consumer that commits offsets with `committer`. */
  open(committer: OffsetCommitter): void {
    this.committer = committer;
    this.closed = false;
  }

  /**
   * Decodes a batch and queues it for the writer, waiting while the queue is full. Resolves
   * false, without queueing, once the pipeline is closing: the batch is then read again later.
   */
  async accept(batch: UsageBatch & { highWatermark: string }, heartbeat: () => Promise<void>): Promise<boolean> {
    if (this.closed) return false;
    const prepared = this.ingest.prepare(batch);
    this.trackFetched(batch);
    while (this.queued >= MAX_QUEUED_RECORDS && !this.closed) {
      await Promise.race([new Promise<void>((resolve) => this.spaceWaiters.push(resolve)), sleep(1_000)]);
      await heartbeat().catch(() => undefined);
    }
    if (this.closed) return false;
    this.queue.push(prepared);
    this.queued += prepared.received;
    this.heartbeat = heartbeat;
    this.writer ??= this.drain().finally(() => {
      this.writer = undefined;
    });
    return true;
  }

  /** Stops accepting, then gives the writer up to `timeoutMs` to finish what is queued. */
  async close(timeoutMs = 15_000): Promise<void> {
    this.closed = true;
    for (const wake of this.spaceWaiters.splice(0)) wake();
    if (this.writer) await Promise.race([this.writer, sleep(timeoutMs)]);
  }

  /**
   * Forgets the partitions' offsets after the group rebalanced: partitions this member lost
   * leave the lag gauge, the ones it owns reappear with their next batch.
   */
  rebalanced(): void {
    this.highWatermarks.clear();
    this.committedOffsets.clear();
    this.metrics.lag.reset();
  }

  /** Null when healthy, else why not. */
  problem(): string | null {
    return this.failures >= FAILING_AFTER ? `the last ${this.failures} ingest transactions failed: ${this.lastError?.message}` : null;
  }

  private async drain(): Promise<void> {
    // The other partitions of the same fetch are handed over in the same turn: let them join.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      let records = 0;
      let taken = 0;
      while (taken < this.queue.length && (taken === 0 || records + this.queue[taken]!.received <= MAX_TRANSACTION_RECORDS)) records += this.queue[taken++]!.received;
      const group = this.queue.splice(0, taken);
      this.queued -= records;
      for (const wake of this.spaceWaiters.splice(0)) wake();
      if (await this.write(group)) await this.commit(group);
    }
  }

  private async write(group: PreparedBatch[]): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.ingest.write(group, () => this.heartbeat());
        this.failures = 0;
        return true;
      } catch (error) {
        this.failures += 1;
        this.lastError = error as Error;
        this.metrics.failures.inc();
        this.logger.error({ err: error, attempt, batches: group.length }, 'usage ingest transaction failed; retrying');
        if (this.closed && attempt >= FAILING_AFTER) return false;
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  private async commit(group: PreparedBatch[]): Promise<void> {
    const next = new Map<string, CommittedOffset>();
    for (const batch of group) {
      const key = `${batch.topic}:${batch.partition}`;
      const known = next.get(key);
      if (!known || BigInt(batch.nextOffset) > BigInt(known.offset)) next.set(key, { topic: batch.topic, partition: batch.partition, offset: batch.nextOffset });
    }
    const started = performance.now();
    try {
      await this.committer([...next.values()]);
    } catch (error) {
      // Typically a rebalance: the new owner reads these records again and the ledger drops them.
      this.logger.warn({ err: error }, 'offset commit failed after the records were counted; they will be redelivered and deduplicated');
      return;
    }
    this.metrics.phase.observe({ phase: 'offset_commit' }, (performance.now() - started) / 1000);
    for (const [key, committed] of next) {
      const offset = BigInt(committed.offset);
      if (offset > (this.committedOffsets.get(key) ?? -1n)) this.committedOffsets.set(key, offset);
      this.updateLag(committed.topic, committed.partition);
    }
  }

  /**
   * A fetched batch tells the partition's high-water mark; the first one after joining also
   * tells where the group resumed, which is the committed offset.
   */
  private trackFetched(batch: UsageBatch & { highWatermark: string }): void {
    const key = `${batch.topic}:${batch.partition}`;
    const high = BigInt(batch.highWatermark);
    if (high > (this.highWatermarks.get(key) ?? -1n)) this.highWatermarks.set(key, high);
    const first = batch.messages[0]?.offset;
    if (!this.committedOffsets.has(key) && first !== undefined) this.committedOffsets.set(key, BigInt(first));
    this.updateLag(batch.topic, batch.partition);
  }

  /** Lag: the high-water mark minus the committed offset (what a restart would read again or for the first time). */
  private updateLag(topic: string, partition: number): void {
    const key = `${topic}:${partition}`;
    const high = this.highWatermarks.get(key);
    const committed = this.committedOffsets.get(key);
    if (high !== undefined && committed !== undefined) this.metrics.lag.set({ topic, partition: String(partition) }, Math.max(0, Number(high - committed)));
  }
}
