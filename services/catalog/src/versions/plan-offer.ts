import { AppError } from '@gatehouse/platform';
import type { EntityManager } from 'typeorm';
import type { PlansRepository } from '../plans/plans.repository';

/** Every plan id must be a current plan of the API (400 `unknown_plan` naming the others). */
export async function assertPlansOfApi(plans: PlansRepository, apiId: string, planIds: string[] | null | undefined, manager?: EntityManager): Promise<void> {
  if (!planIds || planIds.length === 0) return;
  const known = new Set((await plans.listOfApi(apiId, {}, manager)).map((plan) => plan.id));
  const unknown = planIds.filter((planId) => !known.has(planId));
  if (unknown.length > 0) throw new AppError(400, 'unknown_plan', `plan(s) ${unknown.join(', ')} are not plans of API ${apiId}`, { unknownPlans: unknown });
}
