import { describe, expect, it } from 'vitest';
import type { SubscriptionStatus } from './entities/subscription.entity';
import { allowedActions, nextStatus, type SubscriptionAction } from './subscription-rules';

const statuses: SubscriptionStatus[] = ['pending', 'approved', 'rejected', 'revoked', 'cancelled'];
const actions: SubscriptionAction[] = ['approve', 'reject', 'revoke', 'cancel'];

describe('subscription rules', () => {
  it('moves pending → approved|rejected|cancelled and approved → revoked|cancelled only', () => {
    const moves = statuses.flatMap((status) =>
      actions.flatMap((action) => {
        try {
          return [`${status} -${action}-> ${nextStatus(status, action)}`];
        } catch {
          return [];
        }
      }),
    );
    expect(moves).toEqual(['pending -approve-> approved', 'pending -reject-> rejected', 'pending -cancel-> cancelled', 'approved -revoke-> revoked', 'approved -cancel-> cancelled']);
  });

  it('answers 409 listing what is allowed, or that the status is final', () => {
    expect(() => nextStatus('approved', 'approve')).toThrow('the subscription is approved and cannot be approved; allowed: revoke (owner), cancel (subscriber)');
    expect(() => nextStatus('rejected', 'cancel')).toThrow('rejected is final');
    expect(allowedActions('pending')).toEqual(['approve (owner)', 'reject (owner)', 'cancel (subscriber)']);
  });
});
