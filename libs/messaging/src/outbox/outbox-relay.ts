import { createLogger, type Logger } from '@gatehouse/observability';
import type { Message } from 'kafkajs';
import { Client, type ClientConfig } from 'pg';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { topicName } from '../kafka';
import { type MessagingMetrics, messagingMetrics } from '../metrics';
import type { EventProducer } from '../producer/event-producer';
import { outboxChannel, schemaOf } from './schema';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  producer: EventProducer;
  logger?: Logger;
  registry?: Registry;
  /** Fallback poll (and leadership retry) interval; NOTIFY wakes the relay sooner. Default 1000. */
  pollIntervalMs?: number;
  /** Rows per Kafka request. Default 500. */
  batchSize?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: string | null;
  headers: Record<string, string> | null;
}

function clientConfig(dataSource: DataSource): ClientConfig {
  const options = dataSource.options as PostgresConnectionOptions;
  const defined = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
  return defined({
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: typeof options.password === 'string' ? options.password : undefined,
    database: options.database,
    ssl: options.ssl as ClientConfig['ssl'],
    application_name: `${options.applicationName ?? 'gatehouse'}-outbox-relay`.slice(0, 63),
    keepAlive: true,
  }) as ClientConfig;
}

/**
 * Publishes committed outbox rows in id order and deletes them once Kafka acknowledged them
 * (at-least-once: a crash between the two republishes, consumers dedupe by event id).
 * It wakes on the NOTIFY sent by Outbox.add, with a poll as fallback. Among replicas sharing
 * a schema only the holder of a session advisory lock publishes, so per-key order holds.
 */
export class OutboxRelay {
  private readonly schema: string;
  private readonly logger: Logger;
  private readonly metrics: MessagingMetrics | undefined;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private client: Client | undefined;
  private leader = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.schema = schemaOf(options.dataSource);
    this.logger = (options.logger ?? createLogger({ service: 'messaging', level: 'warn' })).child({ component: 'outbox-relay', schema: this.schema });
    this.metrics = messagingMetrics(options.registry);
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Listens for new rows, takes the publisher role when free, and starts publishing the backlog. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.metrics?.backlogProbes.set(this.schema, () => this.backlog());
    try {
      await this.connect();
    } catch (error) {
      this.running = false;
      this.metrics?.backlogProbes.delete(this.schema);
      throw error;
    }
    this.timer = setInterval(() => void this.tick(), this.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Finishes the batch in flight, then gives up the publisher role. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    this.metrics?.backlogProbes.delete(this.schema);
    await this.draining?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    await client?.end().catch(() => undefined);
  }

  /**
   * Publishes every row committed before the call. On a replica that is not the publisher it
   * waits until the publisher has done so.
   */
  async flush(timeoutMs = 30_000): Promise<void> {
    if (this.running && this.leader) return this.drain();
    const [{ max }] = (await this.options.dataSource.query(`select max("id") as max from "${this.schema}"."outbox"`)) as Array<{ max: string | null }>;
    if (max === null) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = (await this.options.dataSource.query(`select 1 from "${this.schema}"."outbox" where "id" <= $1 limit 1`, [max])) as unknown[];
      if (rows.length === 0) return;
      if (Date.now() > deadline) throw new Error(`outbox of ${this.schema} not published within ${timeoutMs} ms (is a relay running?)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Rows committed and not yet published. */
  async backlog(): Promise<number> {
    const [{ count }] = (await this.options.dataSource.query(`select count(*)::int as count from "${this.schema}"."outbox"`)) as Array<{ count: number }>;
    return count;
  }

  /** Whether this instance currently holds the publisher role for its schema. */
  isLeader(): boolean {
    return this.leader;
  }

  private async connect(): Promise<void> {
    const client = new Client(clientConfig(this.options.dataSource));
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'outbox relay lost its listener connection; reconnecting');
      this.drop(client);
    });
    try {
      await client.connect();
      await client.query(`listen "${outboxChannel(this.schema)}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    await this.tryLead();
  }

  private drop(client: Client): void {
    if (this.client === client) {
      this.client = undefined;
      this.leader = false;
    }
    client.end().catch(() => undefined);
  }

  private async tryLead(): Promise<void> {
    if (this.leader || !this.client) return;
    const { rows } = await this.client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [
      `gatehouse:outbox-relay:${this.schema}`,
    ]);
    this.leader = rows[0]?.locked === true;
    if (this.leader) this.logger.info('outbox relay is the publisher');
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    try {
      if (!this.client) await this.connect();
      else await this.tryLead();
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay cannot reach Postgres');
      return;
    }
    this.wake();
  }

  private wake(): void {
    if (!this.running || !this.leader) return;
    this.drain().catch((error: unknown) => this.logger.warn({ err: error }, 'outbox relay could not publish; will retry'));
  }

  private drain(): Promise<void> {
    this.again = true;
    this.draining ??= this.drainLoop().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    while (this.again && this.running && this.leader) {
      this.again = false;
      while ((await this.publishBatch()) === this.batchSize && this.running && this.leader);
    }
  }

  private async publishBatch(): Promise<number> {
    const { dataSource, producer } = this.options;
    const rows = (await dataSource.query(`select "id", "topic", "key", "value", "headers" from "${this.schema}"."outbox" order by "id" limit $1`, [
      this.batchSize,
    ])) as OutboxRow[];
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const topic = topicName(producer.prefix, { name: row.topic });
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: row.key, value: row.value, headers: row.headers ?? {} });
      byTopic.set(topic, messages);
    }
    await producer.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    await dataSource.query(`delete from "${this.schema}"."outbox" where "id" = any($1::bigint[])`, [rows.map((row) => row.id)]);
    return rows.length;
  }
}
