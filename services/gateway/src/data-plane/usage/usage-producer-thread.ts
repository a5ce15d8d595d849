import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ContractViolationError, UsageBatchRecordedV1 } from '@gatehouse/contracts';
import { type MessagingMetrics, messagingMetrics, topicName } from '@gatehouse/messaging';
import type { Logger } from '@gatehouse/observability';
import type { Registry } from 'prom-client';
import type { UsageProducerRequest, UsageProducerResponse, UsageProducerSetup } from './usage-producer-protocol';
import type { UsageRecord, UsageSink } from './usage-record';

export interface UsageProducerThreadOptions extends UsageProducerSetup {
  /** Producer series (`gatehouse_messaging_published_total` and failures) are counted here. */
  readonly registry?: Registry;
  readonly logger?: Logger;
}

/**
 * The compiled worker script. Built code finds it beside this file; code run from source (the
 * test runner) uses the copy `npm run build` put under dist/, since a worker thread cannot
 * load TypeScript.
 */
function workerScript(): string {
  const name = 'usage-producer.worker.js';
  if (!__filename.endsWith('.ts')) return join(__dirname, name);
  const root = resolve(__dirname, '../../../../..');
  const built = join(root, 'dist', relative(root, __dirname), name);
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first (the usage producer runs compiled code in a worker thread)`);
  return built;
}

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * A usage sink that produces in a worker thread. Encoding a batch (schema check and JSON of
 * every record, Kafka framing) costs several microseconds a record and kafkajs allocates a good
 * deal per request; on the data plane's thread that shows up as event-loop stalls and GC pauses
 * in the latency of the requests around it. Here the data plane only pays for copying the
 * records to the worker.
 *
 * A worker that dies fails the sends it held (the shipper journals and retries them) and is
 * started again on the next send.
 */
export class UsageProducerThread implements UsageSink {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing: Promise<void> | null = null;
  private readonly topic: string;
  private readonly metrics: MessagingMetrics | undefined;

  constructor(private readonly options: UsageProducerThreadOptions) {
    this.topic = topicName(options.prefix, UsageBatchRecordedV1.topic);
    this.metrics = messagingMetrics(options.registry);
  }

  /** Starts the thread now rather than on the first send. */
  start(): void {
    this.spawn();
  }

  send(records: UsageRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the usage producer is closed'));
    const worker = this.spawn();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ op: 'send', id, records } satisfies UsageProducerRequest);
    });
  }

  /** Lets the thread finish its sends and disconnect, then ends it; at most `timeoutMs`. */
  close(timeoutMs = 5_000): Promise<void> {
    this.closing ??= this.shutdown(timeoutMs);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((resolve) => {
      worker.on('message', (message: UsageProducerResponse) => {
        if (message.op === 'closed') resolve();
      });
      worker.once('exit', () => resolve());
      timer = setTimeout(resolve, timeoutMs);
    });
    worker.postMessage({ op: 'close' } satisfies UsageProducerRequest);
    await closed;
    clearTimeout(timer);
    await worker.terminate();
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const { registry: _registry, logger: _logger, ...setup } = this.options;
    const worker = new Worker(workerScript(), { workerData: setup satisfies UsageProducerSetup });
    worker.on('message', (message: UsageProducerResponse) => {
      if (message.op === 'sent') this.settle(message);
    });
    worker.on('error', (error) => this.options.logger?.error({ err: error }, 'usage producer thread failed'));
    worker.once('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (this.pending.size > 0) {
        const error = new Error(`usage producer thread exited (code ${code}) with ${this.pending.size} sends unanswered`);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
      }
    });
    this.worker = worker;
    return worker;
  }

  private settle(message: Extract<UsageProducerResponse, { op: 'sent' }>): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.error === undefined) {
      this.metrics?.published.inc({ topic: this.topic }, message.messages ?? 0);
      pending.resolve();
      return;
    }
    this.metrics?.publishFailures.inc({ topic: this.topic });
    pending.reject(message.error.contract ? new ContractViolationError(message.error.message) : new Error(message.error.message));
  }
}
