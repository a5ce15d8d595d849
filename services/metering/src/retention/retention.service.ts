import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { schemaName } from '../database/schema-name';
import { METERING_SETTINGS, type MeteringSettings } from '../metering.config';
import { QuotaRepository } from '../quotas/quota.repository';
import { DAY_MS, quotaPeriodOf, utcDay } from '../time/period';
import { PartitionManager } from './partition-manager';
import { addDays } from './partition-names';

/**
 * Keeps storage bounded: partitions for the next days exist before records need them, ledger
 * and minute-rollup days past their retention are dropped whole, hour rollups are deleted in
 * batches, and quota counters older than the previous month go.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly partitions: PartitionManager,
    private readonly quotas: QuotaRepository,
    private readonly clock: Clock,
    @Inject(METERING_SETTINGS) private readonly settings: MeteringSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.schema = schemaName(dataSource);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.partitions.prepareAhead(utcDay(this.clock.now().getTime()), 2);
    if (this.settings.maintenanceIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.run().catch((error: unknown) => this.logger.warn({ err: error }, 'metering maintenance failed; retrying at the next run'));
    }, this.settings.maintenanceIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  run(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const nowMs = this.clock.now().getTime();
    const today = utcDay(nowMs);
    await this.partitions.prepareAhead(today, 2);
    const ledger = await this.partitions.dropBefore('usage_ledger', addDays(today, -(this.settings.ledgerRetentionDays - 1)));
    const minute = await this.partitions.dropBefore('usage_rollup_minute', addDays(today, -(this.settings.minuteRollupRetentionDays - 1)));
    const hour = await this.deleteHourRollupsBefore(new Date(Date.parse(`${today}T00:00:00Z`) - (this.settings.hourRollupRetentionDays - 1) * DAY_MS));
    const previousMonth = quotaPeriodOf(quotaPeriodOf(nowMs, 'month').start - 1, 'month').start;
    const counters = await this.quotas.deleteCountersBefore(utcDay(previousMonth), this.settings.retentionDeleteBatch);
    if (ledger.length + minute.length + hour + counters > 0) {
      this.logger.info({ ledgerDaysDropped: ledger, minuteDaysDropped: minute, hourRowsDeleted: hour, quotaCountersDeleted: counters }, 'metering retention applied');
    }
  }

  private async deleteHourRollupsBefore(before: Date): Promise<number> {
    const batchSize = this.settings.retentionDeleteBatch;
    let total = 0;
    for (;;) {
      const result = (await this.dataSource.query(
        `delete from "${this.schema}"."usage_rollup_hour" where ctid in (select ctid from "${this.schema}"."usage_rollup_hour" where "bucket" < $1 limit $2)`,
        [before.toISOString(), batchSize],
      )) as [unknown[], number];
      const deleted = Number(result[1] ?? 0);
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}
