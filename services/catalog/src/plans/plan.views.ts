import type { PlanEntity } from './entities/plan.entity';

export function planView(plan: PlanEntity) {
  return {
    id: plan.id,
    apiId: plan.apiId,
    name: plan.name,
    description: plan.description,
    rateLimit: plan.rateLimit,
    quotas: plan.quotas,
    currency: plan.currency,
    archivedAt: plan.archivedAt ? plan.archivedAt.toISOString() : null,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
  };
}
