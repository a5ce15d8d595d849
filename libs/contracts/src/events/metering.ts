import { z } from 'zod';
import { defineEvent, defineState } from '../define';
import { Topics } from '../topics';
import { id, tenantId, timestamp } from './common';

const quotaFields = {
  /** `${subscriptionId}:${metric}:${period}` */
  quotaKey: z.string().min(1).max(300),
  tenantId,
  applicationId: id,
  apiId: id,
  subscriptionId: id,
  planId: id,
  metric: z.enum(['requests', 'tokens', 'cost']),
  period: z.enum(['day', 'month']),
  periodStart: timestamp,
  periodEnd: timestamp,
  limit: z.number().int().positive(),
  used: z.number().min(0),
};

/** Compacted `gatehouse.metering.quotas`, keyed by quotaKey: what the gateway enforces. */
export const QuotaStateV1 = defineState({
  type: 'gatehouse.metering.quota.state.v1',
  topic: Topics.quotaState,
  schema: z.object({ ...quotaFields, status: z.enum(['ok', 'warning', 'exceeded']), updatedAt: timestamp }),
  key: (data) => data.quotaKey,
  tenant: (data) => data.tenantId,
});

export const QuotaChangedV1 = defineEvent({
  type: 'gatehouse.metering.quota.changed.v1',
  topic: Topics.meteringEvents,
  schema: z.object({ ...quotaFields, change: z.enum(['warning', 'exceeded', 'reset']), at: timestamp }),
  key: (data) => data.quotaKey,
  tenant: (data) => data.tenantId,
});
