import type { Logger } from '@gatehouse/observability';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { type BackoffOptions, backoffDelay } from '../backoff';

export type ConsumerState = 'idle' | 'starting' | 'joined' | 'restarting' | 'stopped';

export interface ConsumerStatus {
  state: ConsumerState;
  /** True while the consumer is a member of its group: joined, and not crashed since. */
  connected: boolean;
  /** Consumers created again after a crash, since start(). */
  restarts: number;
  /** While not connected: the crash or failed restart that is the reason, if any. */
  error?: string;
}

export interface ConsumerSupervisorOptions {
  kafka: Kafka;
  /** For logs and readiness messages (e.g. `usage consumer`). */
  name: string;
  /** The group of every consumer created; a function is called once per consumer (a fresh group each time). */
  groupId: string | (() => string);
  /** Settings of every consumer created. Restarts are the supervisor's: kafkajs never restarts a consumer itself. */
  config?: Omit<ConsumerConfig, 'groupId' | 'retry'> & { retry?: { retries?: number; initialRetryTime?: number; maxRetryTime?: number } };
  /** Subscribes and runs a connected consumer (`consumer.subscribe`, then `consumer.run`). */
  run(consumer: Consumer): Promise<void>;
  /** Called on every group join of every consumer, before its first fetch (a place to `seek`). */
  onJoin?(consumer: Consumer): void;
  logger: Logger;
  /** Delay between restart attempts. Default 500 ms doubling to 10 s, with jitter. */
  restartBackoff?: BackoffOptions;
  /** How long start() waits for the first join. Default 60 s. */
  joinTimeoutMs?: number;
}

export const DEFAULT_RESTART_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000 };

/**
 * Keeps one kafkajs consumer running. kafkajs gives up on a consumer after some errors (a
 * group coordinator that cannot be found while a broker restarts, retries exhausted) and then
 * reports `CRASH` with `restart: false`; this class disconnects such a consumer and creates,
 * connects and runs a new one, with backoff, until it joins its group again or stop() is
 * called. Every crash takes that one path: kafkajs' own restart is turned off.
 *
 * What was processed but not committed is delivered again to the new consumer, as after any
 * rebalance, so handlers must be idempotent (EventConsumer's ledger, metering's ledger).
 */
export class ConsumerSupervisor {
  private readonly backoff: BackoffOptions;
  private current: Consumer | undefined;
  private state: ConsumerState = 'idle';
  private restarts = 0;
  private attempt = 0;
  private lastError: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> = Promise.resolve();
  private joinWaiter: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(private readonly options: ConsumerSupervisorOptions) {
    this.backoff = options.restartBackoff ?? DEFAULT_RESTART_BACKOFF;
  }

  /**
   * Connects, runs and resolves once the consumer joined its group. A crash before that is
   * restarted like any other; if no join happens within `joinTimeoutMs`, or the first connect
   * fails, everything is stopped and the error thrown.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.state = 'starting';
    this.restarts = 0;
    this.attempt = 0;
    this.lastError = undefined;
    const timeoutMs = this.options.joinTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      this.joinWaiter = { resolve, reject };
      timer = setTimeout(() => reject(new Error(`${this.options.name} did not join its group within ${timeoutMs / 1000} s${this.lastError ? `: ${this.lastError.message}` : ''}`)), timeoutMs);
    });
    joined.catch(() => undefined); // awaited below, after the launch
    try {
      await this.launch();
      await joined;
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
      this.joinWaiter = undefined;
    }
  }

  /** Stops restarting, lets the consumer finish its batch, leaves the group and disconnects. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.joinWaiter?.reject(new Error(`${this.options.name} was stopped before it joined its group`));
    clearTimeout(this.timer);
    this.timer = undefined;
    const consumer = this.current;
    this.current = undefined;
    try {
      await consumer?.disconnect();
    } finally {
      // A restart in flight sees the state and disconnects what it created.
      await this.restarting;
    }
  }

  /** The consumer running now; undefined while stopped or between a crash and its restart. */
  consumer(): Consumer | undefined {
    return this.state === 'joined' || this.state === 'starting' ? this.current : undefined;
  }

  isConnected(): boolean {
    return this.state === 'joined';
  }

  status(): ConsumerStatus {
    const connected = this.isConnected();
    return { state: this.state, connected, restarts: this.restarts, ...(!connected && this.lastError ? { error: this.lastError.message } : {}) };
  }

  /** Null while connected, else why not (for readiness checks). */
  problem(): string | null {
    if (this.isConnected()) return null;
    const { state, error } = this.status();
    const what = state === 'restarting' ? 'is restarting after a crash' : state === 'starting' ? 'has not joined its group yet' : 'is not running';
    return `${this.options.name} ${what}${error ? `: ${error}` : ''}`;
  }

  private async launch(): Promise<void> {
    const { kafka, config, groupId } = this.options;
    const consumer = kafka.consumer({
      ...config,
      groupId: typeof groupId === 'function' ? groupId() : groupId,
      retry: { retries: 5, ...config?.retry, restartOnFailure: async () => false },
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.current !== consumer || this.state === 'stopped') return;
      if (this.state === 'restarting') this.options.logger.info({ restarts: this.restarts }, `${this.options.name} joined its group again`);
      this.state = 'joined';
      this.attempt = 0;
      this.lastError = undefined;
      this.options.onJoin?.(consumer);
      this.joinWaiter?.resolve();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.current === consumer) this.crashed(payload.error);
    });
    this.current = consumer;
    try {
      await consumer.connect();
      await this.options.run(consumer);
    } catch (error) {
      if (this.current === consumer) this.current = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private crashed(error: Error): void {
    this.lastError = error;
    if (this.state === 'stopped') return;
    this.state = 'restarting';
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.timer || this.state === 'stopped') return;
    this.attempt += 1;
    const delay = backoffDelay(Math.min(this.attempt, 30), this.backoff);
    this.options.logger.error({ err: this.lastError, attempt: this.attempt, retryInMs: delay }, `${this.options.name} crashed; starting a new consumer`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.restarting = this.restarting.then(() => this.restart());
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.isStopped()) return;
    await this.dropCurrent();
    if (this.isStopped()) return;
    this.restarts += 1;
    try {
      await this.launch();
    } catch (error) {
      this.lastError = error as Error;
      if (!this.isStopped()) {
        this.state = 'restarting';
        this.scheduleRestart();
      }
    }
    // stop() came while this consumer was being created.
    if (this.isStopped()) await this.dropCurrent();
  }

  private async dropCurrent(): Promise<void> {
    const consumer = this.current;
    this.current = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }

  /** A method, not a field test: the state changes while restart() awaits. */
  private isStopped(): boolean {
    return this.state === 'stopped';
  }
}
