import { AppError } from '@gatehouse/platform';
import type { SubscriptionStatus } from './entities/subscription.entity';

export type SubscriptionAction = 'approve' | 'reject' | 'revoke' | 'cancel';
/** `owner`: the team owning the API; `subscriber`: the team owning the application. */
export type SubscriptionSide = 'owner' | 'subscriber';

interface Move {
  from: readonly SubscriptionStatus[];
  to: SubscriptionStatus;
  side: SubscriptionSide;
}

export const subscriptionMoves: Readonly<Record<SubscriptionAction, Move>> = {
  approve: { from: ['pending'], to: 'approved', side: 'owner' },
  reject: { from: ['pending'], to: 'rejected', side: 'owner' },
  revoke: { from: ['approved'], to: 'revoked', side: 'owner' },
  cancel: { from: ['pending', 'approved'], to: 'cancelled', side: 'subscriber' },
};

/** Actions possible from a status, e.g. `approve (owner)`. */
export function allowedActions(status: SubscriptionStatus): string[] {
  return (Object.entries(subscriptionMoves) as Array<[SubscriptionAction, Move]>).filter(([, move]) => move.from.includes(status)).map(([action, move]) => `${action} (${move.side})`);
}

/** The status `action` leads to, or 409 listing what is allowed from `status`. */
export function nextStatus(status: SubscriptionStatus, action: SubscriptionAction): SubscriptionStatus {
  const move = subscriptionMoves[action];
  if (move.from.includes(status)) return move.to;
  const allowed = allowedActions(status);
  throw new AppError(409, 'invalid_transition', `the subscription is ${status} and cannot be ${move.to}; ${allowed.length ? `allowed: ${allowed.join(', ')}` : `${status} is final`}`, {
    from: status,
    action,
    allowed,
  });
}
