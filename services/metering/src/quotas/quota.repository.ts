import { Injectable } from '@nestjs/common';
import type { Quota } from '@gatehouse/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaName } from '../database/schema-name';
import { type QuotaPeriod, quotaPeriodOf, utcDay } from '../time/period';
import { normalizeQuotas, type PeriodUsage, type QuotaMetric, type QuotaStatus, type SubscriptionQuotas } from './quota-rules';

/** The last state published for a quota key. */
export interface PublishedQuotaState {
  quotaKey: string;
  subscriptionId: string;
  metric: QuotaMetric;
  period: QuotaPeriod;
  periodStart: number;
  periodEnd: number;
  limit: number;
  used: number;
  status: QuotaStatus;
}

interface SubscriptionRow {
  subscription_id: string;
  tenant_id: string;
  application_id: string;
  api_id: string;
  plan_id: string;
  quotas: Quota[];
  currency: string | null;
}

interface StateRow {
  quota_key: string;
  subscription_id: string;
  metric: QuotaMetric;
  period: QuotaPeriod;
  period_start: Date;
  period_end: Date;
  limit_value: string;
  used: string;
  status: QuotaStatus;
}

const toState = (row: StateRow): PublishedQuotaState => ({
  quotaKey: row.quota_key,
  subscriptionId: row.subscription_id,
  metric: row.metric,
  period: row.period,
  periodStart: row.period_start.getTime(),
  periodEnd: row.period_end.getTime(),
  limit: Number(row.limit_value),
  used: Number(row.used),
  status: row.status,
});

/** Quota definitions (from the local catalog tables), per-period counters and published states. */
@Injectable()
export class QuotaRepository {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    this.schema = schemaName(dataSource);
  }

  /** Approved subscriptions among `subscriptionIds` whose plan has quotas; all of them when omitted. */
  async subscriptionQuotas(subscriptionIds?: readonly string[], manager?: EntityManager): Promise<Map<string, SubscriptionQuotas>> {
    if (subscriptionIds?.length === 0) return new Map();
    const filter = subscriptionIds ? 'and s."subscription_id" = any($1::text[])' : '';
    const rows = (await (manager ?? this.dataSource).query(
      `select s."subscription_id", s."tenant_id", s."application_id", s."api_id", s."plan_id", p."quotas", p."currency"
         from "${this.schema}"."subscriptions" s join "${this.schema}"."plans" p on p."plan_id" = s."plan_id"
        where s."status" = 'approved' and jsonb_array_length(p."quotas") > 0 ${filter}`,
      subscriptionIds ? [subscriptionIds] : [],
    )) as SubscriptionRow[];
    return new Map(
      rows.map((row) => [
        row.subscription_id,
        {
          subscriptionId: row.subscription_id,
          tenantId: row.tenant_id,
          applicationId: row.application_id,
          apiId: row.api_id,
          planId: row.plan_id,
          currency: row.currency,
          quotas: normalizeQuotas(row.quotas),
        },
      ]),
    );
  }

  /** Consumption of the current UTC day and month at `nowMs`, per subscription, metric and currency. */
  async periodUsage(manager: EntityManager | undefined, subscriptionIds: readonly string[], nowMs: number): Promise<Map<string, PeriodUsage[]>> {
    const usage = new Map<string, PeriodUsage[]>();
    if (subscriptionIds.length === 0) return usage;
    const rows = (await (manager ?? this.dataSource).query(
      `select "subscription_id", "metric", "currency", coalesce(sum("used") filter (where "day" = $2::date), 0) as day_used, sum("used") as month_used
         from "${this.schema}"."quota_counters"
        where "subscription_id" = any($1::text[]) and "day" between $3::date and $2::date
        group by "subscription_id", "metric", "currency"`,
      [subscriptionIds, utcDay(nowMs), utcDay(quotaPeriodOf(nowMs, 'month').start)],
    )) as Array<{ subscription_id: string; metric: QuotaMetric; currency: string; day_used: string; month_used: string }>;
    for (const row of rows) {
      const entries = usage.get(row.subscription_id) ?? [];
      entries.push({ metric: row.metric, currency: row.currency, day: Number(row.day_used), month: Number(row.month_used) });
      usage.set(row.subscription_id, entries);
    }
    return usage;
  }

  /** Published states of `keys`, locked until the caller's transaction ends. */
  async lockStates(manager: EntityManager, keys: readonly string[]): Promise<Map<string, PublishedQuotaState>> {
    if (keys.length === 0) return new Map();
    const rows = (await manager.query(
      `select * from "${this.schema}"."quota_states" where "quota_key" = any($1::text[]) order by "quota_key" for update`,
      [[...keys].sort()],
    )) as StateRow[];
    return new Map(rows.map((row) => [row.quota_key, toState(row)]));
  }

  /** Every published state (for reconciliation). */
  async allStates(): Promise<PublishedQuotaState[]> {
    const rows = (await this.dataSource.query(`select * from "${this.schema}"."quota_states"`)) as StateRow[];
    return rows.map(toState);
  }

  async saveState(manager: EntityManager, state: PublishedQuotaState, updatedAt: Date): Promise<void> {
    await manager.query(
      `insert into "${this.schema}"."quota_states" ("quota_key", "subscription_id", "metric", "period", "period_start", "period_end", "limit_value", "used", "status", "updated_at")
       values ($1, $2, $3, $4, to_timestamp($5 / 1000.0), to_timestamp($6 / 1000.0), $7, $8, $9, $10)
       on conflict ("quota_key") do update set "period_start" = excluded."period_start", "period_end" = excluded."period_end",
         "limit_value" = excluded."limit_value", "used" = excluded."used", "status" = excluded."status", "updated_at" = excluded."updated_at"`,
      [state.quotaKey, state.subscriptionId, state.metric, state.period, state.periodStart, state.periodEnd, state.limit, state.used, state.status, updatedAt.toISOString()],
    );
  }

  async deleteState(manager: EntityManager, quotaKey: string): Promise<void> {
    await manager.query(`delete from "${this.schema}"."quota_states" where "quota_key" = $1`, [quotaKey]);
  }

  /** Deletes daily counters of days before `before` (YYYY-MM-DD), a batch at a time. */
  async deleteCountersBefore(before: string, batchSize = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const result = (await this.dataSource.query(
        `delete from "${this.schema}"."quota_counters" where ctid in (select ctid from "${this.schema}"."quota_counters" where "day" < $1::date limit $2)`,
        [before, batchSize],
      )) as [unknown[], number];
      const deleted = Number(result[1] ?? 0);
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}
