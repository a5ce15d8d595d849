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
  /** Longest a record waits in memory. Default 500 ms. */
  readonly flushIntervalMs?: number;
  /** A send not acknowledged within this time counts as failed, whatever it does later; the batch goes to the journal. Default 5 s. */
  readonly sendTimeoutMs?: number;
  /** Batches waiting for the producer beyond this count spill to the journal. Default 20. */
  readonly maxQueuedBatches?: number;
  /** Pause between replay attempts while Kafka is unreachable. Default 1 s. */
  readonly replayIntervalMs?: number;
}

const TIMED_OUT = Symbol('timed-out');

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Outcome = 'produced' | 'failed' | 'timeout';

/**
 * Collects usage records in memory and produces them in batches, off the request path, one
 * send at a time and in order. While Kafka answers, batches go straight to the sink. When a
 * send fails or times out, that batch and every later one go to the local journal (so the
 * order is kept) until the replay has produced the whole journal again.
 *
 * Delivery to the topic is at least once. A send that timed out is never trusted again: if it
 * resolves later, that is no proof the batch is in the log (after a broker restart it may not
 * be), so the batch is sent again from the journal. The next send waits until the abandoned
 * one has settled, so the sink never has two sends in flight. Consumers count each record id
 * once.
 */
export class UsageShipper {
  private buffer: UsageRecord[] = [];
  /** Batches for the sink, oldest first; the first may be in flight. */
  private queue: UsageBatch[] = [];
  /** The last send handed to the sink, possibly one given up on; it never rejects. */
  private lastSend: Promise<unknown> = Promise.resolve();
  private readonly batchSize: number;
  private readonly sendTimeoutMs: number;
  private readonly maxQueued: number;
  private readonly replayIntervalMs: number;
  private flushTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private degraded: boolean;
  private stopped = false;
  private closed = false;

  constructor(private readonly options: UsageShipperOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 5_000;
    this.maxQueued = options.maxQueuedBatches ?? 20;
    this.replayIntervalMs = options.replayIntervalMs ?? 1_000;
    this.degraded = !options.journal.isEmpty;
    this.updateJournalMetrics();
  }

  start(): void {
    this.flushTimer = setInterval(() => this.flush(), this.options.flushIntervalMs ?? 500);
    this.flushTimer.unref();
    if (this.degraded) this.run();
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
      // The batch in flight goes too: it is sent again from the journal, whatever its send does.
      this.options.logger?.warn({ queued: this.queue.length }, 'usage producer is slow; spilling batches to the journal');
      this.degrade();
    }
    this.run();
  }

  /** Stops the timers, flushes the buffer and keeps sending until the deadline; the rest goes to the journal, synced. */
  async stop(deadlineMs = 5_000): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flush();
    this.stopped = true;
    this.wake?.();
    if (this.running) await within(this.running, deadlineMs);
    this.closed = true;
    if (this.queue.length) this.journal(this.queue.splice(0));
    this.options.journal.sync();
    this.options.journal.close();
  }

  /** Starts the send loop unless it runs already. */
  private run(): void {
    if (this.running !== null || this.closed) return;
    this.running = this.loop()
      .catch((error: unknown) => this.options.logger?.error({ err: error }, 'usage shipping failed'))
      .finally(() => {
        this.running = null;
        if (!this.degraded && !this.stopped && this.queue.length > 0) this.run();
      });
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      if (!this.degraded) {
        const batch = this.queue[0];
        if (batch === undefined) return;
        const outcome = await this.attempt(batch);
        // Spilled to the journal while in flight: it goes out again from there.
        if (this.queue[0] !== batch) continue;
        if (outcome === 'produced') {
          this.queue.shift();
          this.options.metrics?.usageRecords.inc({ outcome: 'produced' }, batch.records.length);
          continue;
        }
        this.options.logger?.warn({ batch: batch.id, records: batch.records.length, reason: outcome }, 'usage batch not produced; journaling');
        this.degrade();
        await this.pause();
        continue;
      }
      if (this.stopped) return;
      const batch = this.options.journal.peek();
      if (batch === null) {
        this.degraded = false;
        this.options.logger?.info('usage journal replayed; producing directly again');
        continue;
      }
      const outcome = await this.attempt(batch);
      if (this.closed) return;
      if (outcome !== 'produced') {
        await this.pause();
        continue;
      }
      this.options.journal.ack(batch.id);
      this.options.metrics?.usageRecords.inc({ outcome: 'replayed' }, batch.records.length);
      this.updateJournalMetrics();
    }
  }

  /** Sends one batch once the previous send has settled; 'produced' only when the sink acknowledged it in time. */
  private async attempt(batch: UsageBatch): Promise<Outcome> {
    await this.lastSend;
    if (this.closed) return 'failed';
    const sending = this.send(batch);
    this.lastSend = sending;
    const outcome = await within(sending, this.sendTimeoutMs);
    if (outcome === TIMED_OUT) return 'timeout';
    return outcome ? 'produced' : 'failed';
  }

  /** Resolves true when the batch was produced, false when the send failed; never rejects. */
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

  /** Moves every queued batch, the one in flight included, to the journal; later batches follow them there. */
  private degrade(): void {
    this.degraded = true;
    this.journal(this.queue);
    this.queue = [];
  }

  private journal(batches: UsageBatch[]): void {
    for (const batch of batches) this.options.journal.append(batch);
    this.options.metrics?.usageRecords.inc({ outcome: 'journaled' }, batches.reduce((sum, batch) => sum + batch.records.length, 0));
    this.updateJournalMetrics();
  }

  /** Waits between replay attempts; `stop()` cuts the wait short. */
  private pause(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, this.replayIntervalMs);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private updateJournalMetrics(): void {
    this.options.metrics?.journalBytes.set(this.options.journal.bytes);
    this.options.metrics?.journalBatches.set(this.options.journal.batches);
  }
}
