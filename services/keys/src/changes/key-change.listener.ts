import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { CONFIG, LOGGER } from '@gatehouse/platform';
import { Client } from 'pg';
import { KeySetsRepository } from '../key-sets/key-sets.repository';

type Subscriber = () => void;

/**
 * Listens (Postgres LISTEN) for committed key changes from any replica and tells its
 * subscribers (JWKS cache, admin key ring). A lost connection counts as a change, so
 * nothing stays stale silently; it reconnects with backoff.
 */
@Injectable()
export class KeyChangeListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly subscribers = new Set<Subscriber>();
  private client: Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly keys: KeySetsRepository,
    @Inject(CONFIG) private readonly config: { DATABASE_URL: string },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    keys.onCommittedChange(() => this.notify());
  }

  subscribe(subscriber: Subscriber): void {
    this.subscribers.add(subscriber);
  }

  /** Whether changes are currently being received. */
  get listening(): boolean {
    return this.client !== null;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** Tells every subscriber that keys may have changed. */
  notify(): void {
    for (const subscriber of this.subscribers) {
      try {
        subscriber();
      } catch (error) {
        this.logger.warn({ err: error }, 'key change subscriber failed');
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'gatehouse-keys-listener' });
    client.on('notification', () => this.notify());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`listen "${this.keys.changeChannel}"`);
      this.client = client;
      this.failures = 0;
      this.notify();
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lost(client, error);
    }
  }

  private lost(client: Client, error: unknown): void {
    if (this.stopped || (this.client !== null && this.client !== client)) return;
    this.client = null;
    if (this.retryTimer) return;
    this.notify();
    this.failures += 1;
    if (error) this.logger.warn({ err: error }, 'key change listener lost its connection; reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, Math.min(5_000, 100 * 2 ** this.failures));
    this.retryTimer.unref();
  }
}
