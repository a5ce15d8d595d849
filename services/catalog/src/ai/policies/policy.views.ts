import type { AiPolicyEntity } from './ai-policy.entity';

export function policyView(policy: AiPolicyEntity) {
  return {
    id: policy.id,
    tenantId: policy.tenantId,
    teamId: policy.teamId,
    model: policy.model,
    targets: policy.targets.map((target) => ({ ...target, role: target.weight > 0 ? 'primary' : 'fallback' })),
    retries: policy.retries,
    timeoutMs: policy.timeoutMs,
    createdAt: policy.createdAt.toISOString(),
    updatedAt: policy.updatedAt.toISOString(),
  };
}
