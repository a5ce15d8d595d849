import type { SubscriptionEntity } from './entities/subscription.entity';

export function subscriptionView(subscription: SubscriptionEntity) {
  return {
    id: subscription.id,
    tenantId: subscription.tenantId,
    apiId: subscription.apiId,
    applicationId: subscription.applicationId,
    applicationTenantId: subscription.applicationTenantId,
    planId: subscription.planId,
    status: subscription.status,
    scopes: subscription.scopes,
    requestedBy: subscription.requestedBy,
    decidedBy: subscription.decidedBy,
    reason: subscription.reason,
    createdAt: subscription.createdAt.toISOString(),
    updatedAt: subscription.updatedAt.toISOString(),
  };
}
