import type { Kafka, ProducerBatch } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { type EncodedEvent, newEnvelope, TenantChangedV1 } from '@gatehouse/contracts';
import { EventProducer, MAX_REQUEST_BYTES } from './event-producer';

interface Pending {
  readonly topics: string[];
  resolve(): void;
  reject(error: Error): void;
}

/** A kafkajs producer stand-in whose connects and sends the test settles by hand or by rule. */
class FakeProducer {
  readonly events = { DISCONNECT: 'producer.disconnect' };
  readonly pending: Pending[] = [];
  readonly sent: string[][] = [];
  /** Per request, the values it carried. */
  readonly values: string[][] = [];
  failConnects = 0;
  disconnected = false;
  hold = false;

  constructor(readonly id: number) {}

  on(): void {}

  async connect(): Promise<void> {
    if (this.failConnects > 0) {
      this.failConnects -= 1;
      throw new Error('connect ECONNREFUSED');
    }
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }

  sendBatch(batch: ProducerBatch): Promise<void> {
    const topics = batch.topicMessages!.map((entry) => entry.topic);
    this.sent.push(topics);
    this.values.push(batch.topicMessages!.flatMap((entry) => entry.messages.map((message) => String(message.value))));
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve, reject) => this.pending.push({ topics, resolve, reject }));
  }
}

function setUp(configure: (producer: FakeProducer) => void = () => undefined) {
  const producers: FakeProducer[] = [];
  const kafka = {
    producer: () => {
      const producer = new FakeProducer(producers.length + 1);
      configure(producer);
      producers.push(producer);
      return producer;
    },
  };
  return { producers, subject: new EventProducer(kafka as unknown as Kafka, { prefix: 'p.', source: '/test' }) };
}

const message = (value: string) => [{ key: 'k', value }];

describe('EventProducer', () => {
  it('sends the next batch through a new producer (new producer id) after a failed send', async () => {
    const { producers, subject } = setUp((producer) => {
      producer.hold = producer.id === 1;
    });
    await subject.connect();
    const failing = subject.sendRaw('p.usage', message('a'));
    await vi.waitFor(() => expect(producers[0]!.pending).toHaveLength(1));
    producers[0]!.pending[0]!.reject(new Error('Connection closed'));
    await expect(failing).rejects.toThrow('Connection closed');

    await subject.sendRaw('p.usage', message('b'));
    expect(producers).toHaveLength(2);
    expect(producers[0]!.disconnected).toBe(true);
    expect(producers[1]!.sent).toEqual([['p.usage']]);
    await subject.disconnect();
  });

  it('starts a send to a topic only once the previous send to that topic has settled', async () => {
    const { producers, subject } = setUp((producer) => {
      producer.hold = true;
    });
    await subject.connect();
    const producer = producers[0]!;
    const first = subject.sendRaw('p.usage', message('1'));
    const second = subject.sendRaw('p.usage', message('2'));
    const other = subject.sendRaw('p.other', message('x'));
    await vi.waitFor(() => expect(producer.sent).toEqual([['p.usage'], ['p.other']]));

    producer.pending[0]!.resolve();
    await first;
    await vi.waitFor(() => expect(producer.sent).toEqual([['p.usage'], ['p.other'], ['p.usage']]));
    for (const pending of producer.pending.slice(1)) pending.resolve();
    await Promise.all([second, other]);
    await subject.disconnect();
  });

  it('disconnects only once every send in flight, and one queued behind it, has been acknowledged', async () => {
    const { producers, subject } = setUp((producer) => {
      producer.hold = true;
    });
    await subject.connect();
    const producer = producers[0]!;
    const first = subject.sendRaw('p.usage', message('1'));
    const queued = subject.sendRaw('p.usage', message('2'));
    await vi.waitFor(() => expect(producer.pending).toHaveLength(1));
    let disconnected = false;
    const disconnecting = subject.disconnect().then(() => {
      disconnected = true;
    });

    producer.pending[0]!.resolve();
    await first;
    await vi.waitFor(() => expect(producer.pending).toHaveLength(2));
    expect(disconnected).toBe(false);
    expect(producer.disconnected).toBe(false);
    producer.pending[1]!.resolve();
    await Promise.all([queued, disconnecting]);
    expect(producer.sent).toEqual([['p.usage'], ['p.usage']]);
    expect(producer.disconnected).toBe(true);
    await expect(subject.sendRaw('p.usage', message('3'))).rejects.toThrow('the event producer is disconnected');
  });

  it('connects the new producer in the background after a failure, so it reports connected again without traffic', async () => {
    const { producers, subject } = setUp((producer) => {
      producer.hold = producer.id === 1;
      if (producer.id === 2 || producer.id === 3) producer.failConnects = 1;
    });
    await subject.connect();
    const failing = subject.sendRaw('p.usage', message('a'));
    await vi.waitFor(() => expect(producers[0]!.pending).toHaveLength(1));
    producers[0]!.pending[0]!.reject(new Error('broker down'));
    await expect(failing).rejects.toThrow('broker down');
    expect(subject.isConnected()).toBe(false);

    await vi.waitFor(() => expect(subject.isConnected()).toBe(true), { timeout: 10_000, interval: 20 });
    // Each failed connect retires that producer too: producers 2 and 3 failed, 4 connected.
    expect(producers.map((producer) => producer.disconnected)).toEqual([true, true, true, false]);
    await subject.disconnect();
  });

  it('splits encoded events into requests of at most MAX_REQUEST_BYTES, in order, and refuses one larger than that before sending anything', async () => {
    const { producers, subject } = setUp();
    // Only the size matters here: sizes no schema of the contracts allows.
    const event = (filler: string): EncodedEvent => {
      const envelope = newEnvelope(TenantChangedV1.type, { filler }, { source: '/test', tenant: 'acme' });
      return { key: envelope.id, envelope, value: JSON.stringify(envelope) };
    };
    const large = Array.from({ length: 5 }, (_, index) => event(`${index}`.padEnd(MAX_REQUEST_BYTES / 3, 'x')));
    await subject.publishEncoded(TenantChangedV1.topic, large);
    const requests = producers[0]!.values;
    expect(requests.map((values) => values.length)).toEqual([2, 2, 1]);
    expect(requests.flat()).toEqual(large.map((encoded) => encoded.value));
    for (const values of requests) expect(values.reduce((sum, value) => sum + Buffer.byteLength(value), 0)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);

    const tooLarge = event('y'.repeat(MAX_REQUEST_BYTES));
    await expect(subject.publishEncoded(TenantChangedV1.topic, [event('small'), tooLarge])).rejects.toThrow(/at most \d+ go in one request/);
    expect(producers[0]!.values).toHaveLength(3);
  });
});
