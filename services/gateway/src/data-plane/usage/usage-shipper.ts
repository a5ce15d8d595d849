import { randomUUID } from 'node:crypto';
import { ContractViolationError, UsageRecordedV1 } from '@gatehouse/contracts';
import type { Logger } from '@gatehouse/observability';
import type { DataPlaneMetrics } from '../metrics/data-plane-metrics';
import type { UsageJournal } from './usage-journal';
import type { UsageBatch, UsageRecord, UsageSink } from './usage-record';

export interface UsageShipperOptions {
  readonly sink: UsageSink;
  readonly journal: UsageJournal;
  readonly metrics?: DataPlaneMetrics;
  readonly logger?: Logger;
  /** Records per batch; a full batch is flushed at once. Default 500. */
  readonly batchSize?: number;
  /** Longest a record waits in memory. Default 100 ms. */
  readonly flushIntervalMs?: number;
  /** A send not acknowledged within this time counts as failed; the batch goes to the journal. Default 5 s. */
  readonly sendTimeoutMs?: number;
  /** Batches waiting for the producer beyond this count spill to the journal. Default 20. */
  readonly maxQueuedBatches?: number;
  /** Pause between replay attempts while Kafka is unreachable. Default 1 s. */
  readonly replayIntervalMs?: number;
  /** How long a replay waits for the outcome of a timed-out send of the same batch. Default 60 s. */
  readonly uncertainWaitMs?: number;
}

const TIMED_OUT = Symbol('timed-out');

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Collects usage records in memory and produces them in batches, off the request path.
 * While Kafka answers, batches go straight to the sink, one at a time and in order. When a
 * send fails or times out, that batch and every later one go to the local journal (so the
 * order is kept) until a replay loop has produced the whole journal again. A send that timed
 * out may still succeed later: its outcome is remembered, and the replay skips the batch if
 * it did, so a batch reaches Kafka once.
 */
export class UsageShipper {
  private buffer: UsageRecord[] = [];
  private readonly queue: UsageBatch[] = [];
  private readonly uncertain = new Map<string, Promise<boolean>>();
  private readonly batchSize: number;
  private readonly sendTimeoutMs: number;
  private readonly maxQueued: number;
  private readonly replayIntervalMs: number;
  private readonly uncertainWaitMs: number;
  private flushTimer: NodeJS.Timeout | null = null;
  private replayTimer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private replaying: Promise<void> | null = null;
  private degraded: boolean;
  private stopped = false;

  constructor(private readonly options: UsageShipperOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 5_000;
    this.maxQueued = options.maxQueuedBatches ?? 20;
    this.replayIntervalMs = options.replayIntervalMs ?? 1_000;
    this.uncertainWaitMs = options.uncertainWaitMs ?? 60_000;
    this.degraded = !options.journal.isEmpty;
    this.updateJournalMetrics();
  }

  start(): void {
    this.flushTimer = setInterval(() => this.flush(), this.options.flushIntervalMs ?? 100);
    this.flushTimer.unref();
    if (this.degraded) this.scheduleReplay(0);
  }

  /** Adds one record; never blocks and never throws on the request path. */
  add(record: UsageRecord): void {
    this.buffer.push(record);
    if (this.buffer.length >= this.batchSize) this.flush();
  }

  /** True while batches go to the journal instead of Kafka. */
  get isDegraded(): boolean {
    return this.degraded;
  }

  get journalBatches(): number {
    return this.options.journal.batches;
  }

  get journalBytes(): number {
    return this.options.journal.bytes;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** Hands the buffered records to Kafka (or the journal) now. */
  flush(): void {
    if (this.buffer.length === 0) return;
    const batch: UsageBatch = { id: randomUUID(), records: this.buffer };
    this.buffer = [];
    this.options.metrics?.usageBatchSize.observe(batch.records.length);
    if (this.degraded || this.stopped) return this.journal([batch]);
    this.queue.push(batch);
    if (this.queue.length > this.maxQueued) {
      this.options.logger?.warn({ queued: this.queue.length }, 'usage producer is slow; spilling batches to the journal');
      this.degrade(this.queue.splice(0));
      return;
    }
    this.pump();
  }

  /** Stops the timers, flushes the buffer and waits (until the deadline) for the sends; the rest goes to the journal, synced. */
  async stop(deadlineMs = 5_000): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.replayTimer) clearTimeout(this.replayTimer);
    this.flush();
    this.stopped = true;
    const deadline = Date.now() + deadlineMs;
    while ((this.sending || this.replaying) && Date.now() < deadline) await within(Promise.allSettled([this.sending, this.replaying]), deadline - Date.now());
    if (this.queue.length) this.journal(this.queue.splice(0));
    this.options.journal.sync();
    this.options.journal.close();
  }

  private pump(): void {
    if (this.sending !== null || this.degraded || this.queue.length === 0) return;
    const batch = this.queue.shift()!;
    this.sending = this.sendDirect(batch).finally(() => {
      this.sending = null;
      this.pump();
    });
  }

  private async sendDirect(batch: UsageBatch): Promise<void> {
    const attempt = this.send(batch);
    const outcome = await within(attempt, this.sendTimeoutMs);
    if (outcome === true) return void this.options.metrics?.usageRecords.inc({ outcome: 'produced' }, batch.records.length);
    if (outcome === TIMED_OUT) this.uncertain.set(batch.id, attempt);
    this.options.logger?.warn({ batch: batch.id, records: batch.records.length, reason: outcome === TIMED_OUT ? 'timeout' : 'send failed' }, 'usage batch not produced; journaling');
    this.degrade([batch, ...this.queue.splice(0)]);
  }

  /** Resolves true when the batch was produced, false when the send failed. */
  private async send(batch: UsageBatch): Promise<boolean> {
    try {
      await this.options.sink.send(batch.records);
      return true;
    } catch (error) {
      if (!(error instanceof ContractViolationError)) return false;
      return this.sendValidOnly(batch);
    }
  }

  /** A record that breaks the contract would block the journal forever: drop it, loudly. */
  private async sendValidOnly(batch: UsageBatch): Promise<boolean> {
    const valid = batch.records.filter((record) => UsageRecordedV1.schema.safeParse(record).success);
    const dropped = batch.records.length - valid.length;
    this.options.metrics?.usageRecords.inc({ outcome: 'dropped_invalid' }, dropped);
    this.options.logger?.error({ batch: batch.id, dropped }, 'usage records violating the contract were dropped');
    batch.records.splice(0, batch.records.length, ...valid);
    if (valid.length === 0) return true;
    try {
      await this.options.sink.send(valid);
      return true;
    } catch {
      return false;
    }
  }

  private degrade(batches: UsageBatch[]): void {
    this.degraded = true;
    this.journal(batches);
    this.scheduleReplay(this.replayIntervalMs);
  }

  private journal(batches: UsageBatch[]): void {
    for (const batch of batches) this.options.journal.append(batch);
    this.options.metrics?.usageRecords.inc({ outcome: 'journaled' }, batches.reduce((sum, batch) => sum + batch.records.length, 0));
    this.updateJournalMetrics();
  }

  private scheduleReplay(delayMs: number): void {
    if (this.replayTimer !== null || this.replaying !== null || this.stopped) return;
    this.replayTimer = setTimeout(() => {
      this.replayTimer = null;
      this.replaying = this.replay().finally(() => {
        this.replaying = null;
        if (this.degraded) this.scheduleReplay(this.replayIntervalMs);
      });
    }, delayMs);
    this.replayTimer.unref();
  }

  private async replay(): Promise<void> {
    const journal = this.options.journal;
    for (let batch = journal.peek(); batch !== null && !this.stopped; batch = journal.peek()) {
      const earlier = this.uncertain.get(batch.id);
      if (earlier !== undefined) {
        const produced = await within(earlier, this.uncertainWaitMs);
        this.uncertain.delete(batch.id);
        if (produced === true) {
          journal.ack(batch.id);
          this.options.metrics?.usageRecords.inc({ outcome: 'produced_late' }, batch.records.length);
          this.updateJournalMetrics();
          continue;
        }
      }
      const attempt = this.send(batch);
      const outcome = await within(attempt, this.sendTimeoutMs);
      if (outcome !== true) {
        if (outcome === TIMED_OUT) this.uncertain.set(batch.id, attempt);
        return;
      }
      journal.ack(batch.id);
      this.options.metrics?.usageRecords.inc({ outcome: 'replayed' }, batch.records.length);
      this.updateJournalMetrics();
    }
    if (journal.isEmpty && !this.stopped) {
      this.degraded = false;
      this.options.logger?.info('usage journal replayed; producing directly again');
      this.pump();
    }
  }

  private updateJournalMetrics(): void {
    this.options.metrics?.journalBytes.set(this.options.journal.bytes);
    this.options.metrics?.journalBatches.set(this.options.journal.batches);
  }
}
