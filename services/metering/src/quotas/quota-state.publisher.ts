import { Injectable } from '@nestjs/common';
import { QuotaChangedV1, QuotaStateV1, type Quota } from '@gatehouse/contracts';
import { Outbox } from '@gatehouse/messaging';
import type { EntityManager } from 'typeorm';
import { type PublishedQuotaState, QuotaRepository } from './quota.repository';
import { type QuotaChange, quotaChange, quotaKey, quotaStatus, type SubscriptionQuotas } from './quota-rules';

const SOURCE = '/gatehouse/metering';

/** A quota's consumption in its current period. */
export interface QuotaEvaluation {
  subscription: SubscriptionQuotas;
  quota: Quota;
  periodStart: number;
  periodEnd: number;
  used: number;
}

export interface PublishOptions {
  /** Also publish an `ok` state for a new period or a changed limit (the reconciler does; ingest leaves it to it). */
  announceOk: boolean;
}

/**
 * Publishes quota states through the outbox, in the caller's transaction: the compacted
 * `QuotaStateV1` the gateway enforces, and a `QuotaChangedV1` when the status changed. The
 * published-state rows are locked, so ingest batches and the reconciler never publish out of order.
 */
@Injectable()
export class QuotaStatePublisher {
  constructor(private readonly quotas: QuotaRepository) {}

  /** Returns the changes published. */
  async publish(manager: EntityManager, evaluations: readonly QuotaEvaluation[], now: Date, options: PublishOptions): Promise<QuotaChange[]> {
    if (evaluations.length === 0) return [];
    const keyed = evaluations.map((evaluation) => ({ evaluation, key: quotaKey(evaluation.subscription.subscriptionId, evaluation.quota.metric, evaluation.quota.period) }));
    const published = await this.quotas.lockStates(manager, keyed.map(({ key }) => key));
    const changes: QuotaChange[] = [];
    for (const { evaluation, key } of keyed) {
      const { quota, periodStart, used } = evaluation;
      const previous = published.get(key);
      const next = quotaStatus(used, quota.limit, quota.warnAt);
      const change = quotaChange(previous?.status ?? 'ok', next);
      const stateChanged = !previous || previous.periodStart !== periodStart || previous.status !== next || previous.limit !== quota.limit;
      if (change === null && !(stateChanged && (options.announceOk || next !== 'ok'))) continue;
      const state: PublishedQuotaState = {
        quotaKey: key,
        subscriptionId: evaluation.subscription.subscriptionId,
        metric: quota.metric,
        period: quota.period,
        periodStart,
        periodEnd: evaluation.periodEnd,
        limit: quota.limit,
        used,
        status: next,
      };
      await this.quotas.saveState(manager, state, now);
      await this.emit(manager, evaluation, state, change, now);
      if (change) changes.push(change);
    }
    return changes;
  }

  /** Withdraws a quota the gateway should no longer enforce (subscription gone, quota removed). */
  async withdraw(manager: EntityManager, key: string): Promise<void> {
    await this.quotas.deleteState(manager, key);
    await Outbox.addTombstone(manager, QuotaStateV1, key);
  }

  private async emit(manager: EntityManager, evaluation: QuotaEvaluation, state: PublishedQuotaState, change: QuotaChange | null, now: Date): Promise<void> {
    const { subscription } = evaluation;
    const fields = {
      quotaKey: state.quotaKey,
      tenantId: subscription.tenantId,
      applicationId: subscription.applicationId,
      apiId: subscription.apiId,
      subscriptionId: subscription.subscriptionId,
      planId: subscription.planId,
      metric: state.metric,
      period: state.period,
      periodStart: new Date(state.periodStart).toISOString(),
      periodEnd: new Date(state.periodEnd).toISOString(),
      limit: state.limit,
      used: state.used,
    };
    await Outbox.add(manager, QuotaStateV1, { ...fields, status: state.status, updatedAt: now.toISOString() }, { source: SOURCE });
    if (change) await Outbox.add(manager, QuotaChangedV1, { ...fields, change, at: now.toISOString() }, { source: SOURCE });
  }
}
