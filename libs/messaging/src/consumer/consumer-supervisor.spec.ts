import { EventEmitter } from 'node:events';
import { createLogger } from '@gatehouse/observability';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsumerSupervisor, type ConsumerSupervisorOptions } from './consumer-supervisor';

/** The part of a kafkajs consumer the supervisor touches, driven by the test. */
class FakeConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  private readonly emitter = new EventEmitter();
  disconnects = 0;

  constructor(
    readonly config: ConsumerConfig,
    private readonly refuse: boolean,
  ) {}

  on(event: string, listener: (event: unknown) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  async connect(): Promise<void> {
    if (this.refuse) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  }

  async disconnect(): Promise<void> {
    this.disconnects += 1;
  }

  join(): void {
    this.emitter.emit('consumer.group_join', { payload: { groupId: this.config.groupId } });
  }

  crash(message: string): void {
    this.emitter.emit('consumer.crash', { payload: { error: new Error(message), groupId: this.config.groupId, restart: false } });
  }
}

describe('ConsumerSupervisor', () => {
  let created: FakeConsumer[];
  let refusals: number;
  let joinOnRun: boolean;
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      const consumer = new FakeConsumer(config, refusals > 0);
      refusals = Math.max(0, refusals - 1);
      created.push(consumer);
      return consumer;
    },
  } as unknown as Kafka;

  const supervisor = (overrides: Partial<ConsumerSupervisorOptions> = {}) =>
    new ConsumerSupervisor({
      kafka,
      name: 'test consumer',
      groupId: 'group-a',
      logger: createLogger({ service: 'supervisor-spec', level: 'silent' }),
      restartBackoff: { initialMs: 100, maxMs: 400 },
      run: async (consumer) => {
        if (joinOnRun) (consumer as unknown as FakeConsumer).join();
      },
      ...overrides,
    });

  beforeEach(() => {
    vi.useFakeTimers();
    created = [];
    refusals = 0;
    joinOnRun = true;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves start() once the consumer joined, with kafkajs restarts turned off', async () => {
    const subject = supervisor();
    await subject.start();
    expect(subject.status()).toEqual({ state: 'joined', connected: true, restarts: 0 });
    expect(subject.problem()).toBeNull();
    expect(created).toHaveLength(1);
    expect(await created[0]!.config.retry?.restartOnFailure?.(new Error('any'))).toBe(false);
  });

  it('reports not connected after a crash and replaces the consumer after a backoff', async () => {
    const joins: Consumer[] = [];
    const subject = supervisor({ onJoin: (consumer) => joins.push(consumer) });
    await subject.start();
    const [first] = created;

    first!.crash('Failed to find group coordinator');
    expect(subject.isConnected()).toBe(false);
    expect(subject.consumer()).toBeUndefined();
    expect(subject.status()).toEqual({ state: 'restarting', connected: false, restarts: 0, error: 'Failed to find group coordinator' });
    expect(subject.problem()).toBe('test consumer is restarting after a crash: Failed to find group coordinator');
    expect(created).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(400);
    expect(created).toHaveLength(2);
    expect(first!.disconnects).toBeGreaterThan(0);
    expect(subject.status()).toEqual({ state: 'joined', connected: true, restarts: 1 });
    expect(subject.consumer()).toBe(created[1]);
    expect(joins).toEqual([created[0], created[1]]);
  });

  it('keeps trying while the broker refuses connections, then joins again', async () => {
    const subject = supervisor();
    await subject.start();
    refusals = 3;
    created[0]!.crash('Connection error');

    for (let step = 0; step < 20 && !subject.isConnected(); step += 1) await vi.advanceTimersByTimeAsync(400);

    expect(subject.isConnected()).toBe(true);
    expect(created).toHaveLength(5);
    expect(subject.status().restarts).toBe(4);
    // Every consumer that could not connect was disconnected again.
    expect(created.slice(1, 4).every((consumer) => consumer.disconnects === 1)).toBe(true);
  });

  it('ignores a late crash of a consumer it already replaced', async () => {
    const subject = supervisor();
    await subject.start();
    created[0]!.crash('first');
    await vi.advanceTimersByTimeAsync(400);
    created[0]!.crash('again');
    await vi.advanceTimersByTimeAsync(400);
    expect(created).toHaveLength(2);
    expect(subject.isConnected()).toBe(true);
  });

  it('takes a fresh group for every consumer when groupId is a function', async () => {
    let next = 0;
    const subject = supervisor({ groupId: () => `reader.${(next += 1)}` });
    await subject.start();
    created[0]!.crash('gone');
    await vi.advanceTimersByTimeAsync(400);
    expect(created.map((consumer) => consumer.config.groupId)).toEqual(['reader.1', 'reader.2']);
  });

  it('stops restarting once stopped', async () => {
    const subject = supervisor();
    await subject.start();
    created[0]!.crash('gone');
    await subject.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(created).toHaveLength(1);
    expect(subject.status()).toMatchObject({ state: 'stopped', connected: false });
  });

  it('restarts a consumer that crashes before its first join, within start()', async () => {
    joinOnRun = false;
    const subject = supervisor();
    const started = subject.start();
    await vi.advanceTimersByTimeAsync(0);
    created[0]!.crash('The group coordinator is not available');
    await vi.advanceTimersByTimeAsync(400);
    expect(created).toHaveLength(2);
    created[1]!.join();
    await started;
    expect(subject.status()).toEqual({ state: 'joined', connected: true, restarts: 1 });
  });

  it('fails start() when no join comes within the timeout, and disconnects', async () => {
    joinOnRun = false;
    const subject = supervisor({ joinTimeoutMs: 1_000 });
    const started = subject.start();
    const outcome = expect(started).rejects.toThrow('test consumer did not join its group within 1 s');
    await vi.advanceTimersByTimeAsync(1_000);
    await outcome;
    expect(created[0]!.disconnects).toBe(1);
    expect(subject.isConnected()).toBe(false);
  });

  it('fails start() at once when the first connect fails', async () => {
    refusals = 1;
    await expect(supervisor().start()).rejects.toThrow('ECONNREFUSED');
    expect(created).toHaveLength(1);
    expect(created[0]!.disconnects).toBeGreaterThan(0);
  });
});
