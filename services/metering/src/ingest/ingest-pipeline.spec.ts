import { createLogger } from '@gatehouse/observability';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { IngestMetrics } from './ingest.metrics';
import { type CommittedOffset, IngestPipeline } from './ingest-pipeline';
import type { PreparedBatch, UsageBatch } from './usage-batch';
import type { UsageIngestService } from './usage-ingest.service';

function batch(partition: number, first: number, count: number): UsageBatch & { highWatermark: string } {
  return {
    topic: 'usage',
    partition,
    highWatermark: String(first + count + 10),
    messages: Array.from({ length: count }, (_, index) => ({ offset: String(first + index), key: null, value: null, timestamp: '0', attributes: 0, headers: {} })) as never,
  };
}

/** A stand-in for the ingest service: records what was written and can fail on demand. */
class FakeIngest {
  readonly writes: PreparedBatch[][] = [];
  failures = 0;
  gate: Promise<void> = Promise.resolve();

  prepare(input: UsageBatch): PreparedBatch {
    const last = input.messages.at(-1)!.offset;
    return { topic: input.topic, partition: input.partition, received: input.messages.length, nextOffset: String(Number(last) + 1), counted: [], letters: [], duplicates: 0, preparedIn: 0 };
  }

  async write(batches: PreparedBatch[]) {
    await this.gate;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('database unavailable');
    }
    this.writes.push(batches);
    return { received: 0, counted: 0, duplicates: 0, late: 0, deadLettered: 0 };
  }
}

function pipeline() {
  const ingest = new FakeIngest();
  const commits: CommittedOffset[][] = [];
  const metrics = new IngestMetrics(new Registry());
  const subject = new IngestPipeline(ingest as unknown as UsageIngestService, metrics, createLogger({ service: 'test', level: 'silent' }));
  subject.open(async (offsets) => void commits.push(offsets));
  const lag = async () => Object.fromEntries((await metrics.lag.get()).values.map((entry) => [entry.labels.partition, entry.value]));
  return { ingest, commits, subject, lag };
}

const heartbeat = async () => undefined;
const settle = async (until: () => boolean) => {
  for (let round = 0; round < 200 && !until(); round += 1) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('ingest pipeline', () => {
  it('writes the partition batches handed over together in one transaction, then commits each partition once', async () => {
    const { ingest, commits, subject } = pipeline();
    await Promise.all([subject.accept(batch(0, 0, 10), heartbeat), subject.accept(batch(1, 100, 5), heartbeat), subject.accept(batch(0, 10, 3), heartbeat)]);
    await settle(() => commits.length === 1);
    expect(ingest.writes).toHaveLength(1);
    expect(ingest.writes[0]!.map((prepared) => prepared.partition)).toEqual([0, 1, 0]);
    expect(commits[0]).toEqual([
      { topic: 'usage', partition: 0, offset: '13' },
      { topic: 'usage', partition: 1, offset: '105' },
    ]);
  });

  it('never commits an offset before its transaction committed, and retries a failing one', async () => {
    const { ingest, commits, subject } = pipeline();
    ingest.failures = 2;
    await subject.accept(batch(2, 0, 4), heartbeat);
    await settle(() => commits.length === 1);
    expect(ingest.writes).toHaveLength(1);
    expect(commits).toEqual([[{ topic: 'usage', partition: 2, offset: '4' }]]);
  });

  it('queues the next batches while a transaction runs and writes them after it', async () => {
    const { ingest, commits, subject } = pipeline();
    let release!: () => void;
    ingest.gate = new Promise((resolve) => (release = resolve));
    await subject.accept(batch(0, 0, 2), heartbeat);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await subject.accept(batch(0, 2, 2), heartbeat);
    await subject.accept(batch(0, 4, 2), heartbeat);
    expect(commits).toHaveLength(0);
    release();
    await settle(() => commits.length === 2);
    expect(ingest.writes.map((write) => write.length)).toEqual([1, 2]);
    expect(commits.map((offsets) => offsets[0]!.offset)).toEqual(['2', '6']);
  });

  it('accepts nothing once closing, so those batches are read again later', async () => {
    const { ingest, subject } = pipeline();
    await subject.close();
    expect(await subject.accept(batch(0, 0, 1), heartbeat)).toBe(false);
    expect(ingest.writes).toHaveLength(0);
  });

  it('sets the lag gauge from each fetched batch before its commit, and again after it', async () => {
    const { ingest, commits, subject, lag } = pipeline();
    let release!: () => void;
    ingest.gate = new Promise((resolve) => (release = resolve));
    // The group resumed at offset 100 of partition 3; the high-water mark is 100 + 10 + 10.
    await subject.accept(batch(3, 100, 10), heartbeat);
    expect(await lag()).toEqual({ '3': 20 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await subject.accept(batch(3, 110, 10), heartbeat);
    expect(await lag()).toEqual({ '3': 30 });
    release();
    await settle(() => commits.length === 2);
    expect(await lag()).toEqual({ '3': 10 });

    subject.rebalanced();
    expect(await lag()).toEqual({});
    await subject.accept(batch(4, 0, 5), heartbeat);
    await settle(() => commits.length === 3);
    expect(await lag()).toEqual({ '4': 10 });
  });
});
