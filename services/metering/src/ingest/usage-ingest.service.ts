import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';
import { QuotaRepository } from '../quotas/quota.repository';
import { evaluateQuotas } from '../quotas/quota-evaluations';
import type { SubscriptionQuotas } from '../quotas/quota-rules';
import { QuotaStatePublisher } from '../quotas/quota-state.publisher';
import { PartitionManager } from '../retention/partition-manager';
import { utcDay } from '../time/period';
import { isolateDataExceptions, sqlState } from './data-exception';
import { type DeadLetter, DeadLetterPublisher, recordLetter } from './dead-letter.publisher';
import { IngestMetrics, type IngestPhase } from './ingest.metrics';
import { classifyRecords } from './record-classifier';
import type { IngestOutcome, PreparedBatch, UsageBatch } from './usage-batch';
import { UsageCountRepository } from './usage-count.repository';
import { decodeUsageMessage } from './usage-record.decoder';
import { type CountedRecord, ledgerKey, type RecordSource, type UsageRecord } from './usage-record';

// 40P01 deadlock, 40001 serialization failure: the transaction is safe to run again at once.
const RETRIABLE_SQLSTATES = new Set(['40P01', '40001']);
const MAX_TRANSACTION_ATTEMPTS = 5;

type SourcedRecord = CountedRecord & { item: RecordSource; topic: string; partition: number };

const keyOf = (entry: CountedRecord) => ledgerKey(entry.atDay, entry.record.recordId.toLowerCase());

/**
 * Counts usage records exactly once, whether they came one per message or in batch events.
 * `prepare` validates and classifies a batch (CPU only; bad messages, and bad records of a
 * batch event, become dead letters); `write` sends the dead letters, then in one transaction
 * inserts the new records into the ledger and adds only those to the rollups and quota
 * counters, publishing quota changes through the outbox. Offsets are committed by the caller
 * after `write` resolved; a redelivery is deduplicated by the ledger. A transaction Postgres
 * refuses for its data (SQLSTATE class 22, e.g. a sum out of range) is split until the records
 * at fault are alone; those go to the dead-letter topic (`ERR_UNSTORABLE`), the rest is counted.
 */
@Injectable()
export class UsageIngestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly counts: UsageCountRepository,
    private readonly quotas: QuotaRepository,
    private readonly quotaPublisher: QuotaStatePublisher,
    private readonly partitions: PartitionManager,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: IngestMetrics,
    private readonly clock: Clock,
    @Inject(METERING_SETTINGS) private readonly settings: MeteringSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  prepare({ topic, partition, messages }: UsageBatch): PreparedBatch {
    const started = performance.now();
    const letters: DeadLetter[] = [];
    const valid: Array<{ item: RecordSource; record: UsageRecord }> = [];
    let received = 0;
    for (const message of messages) {
      const decoded = decodeUsageMessage(message.value);
      if (!decoded.ok) {
        received += 1;
        letters.push({ topic, partition, message, reason: decoded.reason, code: decoded.code });
        continue;
      }
      const source: RecordSource = { message, batch: decoded.batch };
      received += decoded.records.length + decoded.refused.length;
      for (const record of decoded.records) valid.push({ item: source, record });
      for (const refused of decoded.refused) letters.push(recordLetter(topic, partition, source, refused.record, refused.recordId, refused));
    }
    const classified = classifyRecords(valid, this.clock.now().getTime(), this.settings);
    for (const refusal of classified.refused) letters.push(recordLetter(topic, partition, refusal.item, refusal.record, refusal.record.recordId, refusal));
    const last = messages.at(-1)?.offset ?? '-1';
    const preparedIn = (performance.now() - started) / 1000;
    this.metrics.phase.observe({ phase: 'decode' }, preparedIn);
    return { topic, partition, received, nextOffset: (BigInt(last) + 1n).toString(), counted: classified.counted, letters, duplicates: classified.duplicatesInBatch, preparedIn };
  }

  /** Prepares and writes in one go. */
  async ingest(batches: readonly UsageBatch[]): Promise<IngestOutcome> {
    return this.write(batches.map((batch) => this.prepare(batch)));
  }

  /**
   * Writes prepared batches in one transaction. `heartbeat` keeps the consumer's group
   * membership alive meanwhile; its failures (a rebalance) never fail the write.
   */
  async write(batches: readonly PreparedBatch[], heartbeat: () => Promise<void> = async () => undefined): Promise<IngestOutcome> {
    const timer = this.phaseTimer();
    const now = this.clock.now();
    const letters = batches.flatMap((batch) => batch.letters);
    const seen = new Set<string>();
    const counted: SourcedRecord[] = [];
    let duplicates = 0;
    let received = 0;
    for (const batch of batches) {
      received += batch.received;
      duplicates += batch.duplicates;
      for (const entry of batch.counted) {
        const key = keyOf(entry);
        if (seen.has(key)) duplicates += 1;
        else {
          seen.add(key);
          counted.push({ ...entry, topic: batch.topic, partition: batch.partition });
        }
      }
    }

    await this.deadLetters.publish(letters, now);
    timer.lap('dead_letter');

    await this.partitions.ensure('usage_ledger', counted.map((entry) => entry.atDay));
    await this.partitions.ensure('usage_rollup_minute', counted.map((entry) => utcDay(entry.late ? now.getTime() : entry.effectiveMs)));
    const subscriptionIds = [...new Set(counted.map((entry) => entry.record.subscriptionId).filter((id): id is string => id !== null))];
    const quotas = await this.quotas.subscriptionQuotas(subscriptionIds);
    await heartbeat().catch(() => undefined);

    const { results, refused } = await isolateDataExceptions(counted, (part) => this.transaction((manager) => this.count(manager, part, quotas, now, timer)));
    const fresh = results.flat();
    timer.lap('commit');
    const unstorable = refused.map(({ item, error }) =>
      recordLetter(item.topic, item.partition, item.item, item.record, item.record.recordId, {
        code: 'ERR_UNSTORABLE',
        reason: `Postgres refused record ${item.record.recordId} (SQLSTATE ${sqlState(error)}): ${error.message}`,
      }),
    );
    if (unstorable.length > 0) {
      this.logger.warn({ refused: unstorable.length, first: unstorable[0]!.reason }, 'usage records Postgres cannot count were isolated from their batch');
      await this.deadLetters.publish(unstorable, now);
      letters.push(...unstorable);
    }

    const late = fresh.filter((entry) => entry.late).length;
    duplicates += counted.length - fresh.length - refused.length;
    this.metrics.batchSize.observe(received);
    this.metrics.ingested.inc(fresh.length);
    if (duplicates > 0) this.metrics.deduplicated.inc(duplicates);
    if (late > 0) this.metrics.late.inc(late);
    for (const letter of letters) this.metrics.deadLettered.inc({ code: letter.code });
    return { received, counted: fresh.length, duplicates, late, deadLettered: letters.length };
  }

  private async count<T extends CountedRecord>(manager: EntityManager, counted: readonly T[], quotas: ReadonlyMap<string, SubscriptionQuotas>, now: Date, timer: PhaseTimer): Promise<T[]> {
    timer.lap('prepare');
    const started = performance.now();
    const countedBefore = await this.counts.count(manager, counted, now);
    this.metrics.rollupWrite.observe((performance.now() - started) / 1000);
    const fresh = countedBefore.size === 0 ? [...counted] : counted.filter((entry) => !countedBefore.has(keyOf(entry)));
    timer.lap('count');

    const affected = new Map<string, SubscriptionQuotas>();
    for (const entry of fresh) {
      const subscription = entry.record.subscriptionId === null ? undefined : quotas.get(entry.record.subscriptionId);
      if (subscription) affected.set(subscription.subscriptionId, subscription);
    }
    const usage = await this.quotas.periodUsage(manager, [...affected.keys()], now.getTime());
    const evaluations = evaluateQuotas(affected.values(), usage, now.getTime());
    const changes = await this.quotaPublisher.publish(manager, evaluations, now, { announceOk: false });
    for (const change of changes) this.metrics.quotaChanges.inc({ change });
    timer.lap('quota');
    return fresh;
  }

  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        const state = sqlState(error);
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || state === undefined || !RETRIABLE_SQLSTATES.has(state)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
      }
    }
  }

  private phaseTimer(): PhaseTimer {
    let last = performance.now();
    const histogram = this.metrics.phase;
    return {
      lap(phase: IngestPhase) {
        const current = performance.now();
        histogram.observe({ phase }, (current - last) / 1000);
        last = current;
      },
    };
  }
}

interface PhaseTimer {
  lap(phase: IngestPhase): void;
}
