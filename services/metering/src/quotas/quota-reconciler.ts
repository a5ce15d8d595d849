import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { DirectoryConsumer } from '../directory/directory.consumer';
import { IngestMetrics } from '../ingest/ingest.metrics';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';
import { QuotaRepository } from './quota.repository';
import { evaluateQuotas } from './quota-evaluations';
import { quotaKey, quotaStatus } from './quota-rules';
import { QuotaStatePublisher } from './quota-state.publisher';

export interface ReconcileOutcome {
  published: number;
  withdrawn: number;
}

/**
 * Brings the published quota states in line with plans, subscriptions and the clock: opens
 * each new period with an `ok` state (and a `reset` change when the last one was not ok),
 * follows limit changes, and withdraws (tombstones) quotas of subscriptions no longer
 * approved. Ingest publishes crossings as they happen; this covers what time and the
 * catalog change on their own.
 */
@Injectable()
export class QuotaReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileOutcome> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly quotas: QuotaRepository,
    private readonly publisher: QuotaStatePublisher,
    private readonly directory: DirectoryConsumer,
    private readonly metrics: IngestMetrics,
    private readonly clock: Clock,
    @Inject(METERING_SETTINGS) private readonly settings: MeteringSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.quotaTickMs <= 0) return;
    this.timer = setInterval(() => {
      if (!this.directory.isCaughtUp()) return;
      this.reconcile().catch((error: unknown) => this.logger.warn({ err: error }, 'quota reconciliation failed; retrying at the next tick'));
    }, this.settings.quotaTickMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One reconciliation pass; concurrent calls share the pass in flight. */
  reconcile(): Promise<ReconcileOutcome> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<ReconcileOutcome> {
    const now = this.clock.now();
    const subscriptions = await this.quotas.subscriptionQuotas();
    const usage = await this.quotas.periodUsage(undefined, [...subscriptions.keys()], now.getTime());
    const published = new Map((await this.quotas.allStates()).map((state) => [state.quotaKey, state]));
    const outcome: ReconcileOutcome = { published: 0, withdrawn: 0 };

    for (const evaluation of evaluateQuotas(subscriptions.values(), usage, now.getTime())) {
      const key = quotaKey(evaluation.subscription.subscriptionId, evaluation.quota.metric, evaluation.quota.period);
      const previous = published.get(key);
      published.delete(key);
      const status = quotaStatus(evaluation.used, evaluation.quota.limit, evaluation.quota.warnAt);
      if (previous && previous.periodStart === evaluation.periodStart && previous.status === status && previous.limit === evaluation.quota.limit) continue;
      await this.dataSource.transaction(async (manager) => {
        // Re-read under the state lock: an ingest batch may have counted more since.
        await this.quotas.lockStates(manager, [key]);
        const fresh = await this.quotas.periodUsage(manager, [evaluation.subscription.subscriptionId], now.getTime());
        const [current] = evaluateQuotas([{ ...evaluation.subscription, quotas: [evaluation.quota] }], fresh, now.getTime());
        const changes = await this.publisher.publish(manager, [current!], now, { announceOk: true });
        for (const change of changes) this.metrics.quotaChanges.inc({ change });
      });
      outcome.published += 1;
    }

    for (const key of published.keys()) {
      await this.dataSource.transaction(async (manager) => {
        const locked = await this.quotas.lockStates(manager, [key]);
        if (locked.has(key)) await this.publisher.withdraw(manager, key);
      });
      outcome.withdrawn += 1;
    }
    if (outcome.published + outcome.withdrawn > 0) this.logger.info(outcome, 'quota states reconciled');
    return outcome;
  }
}
