import { describe, expect, it } from 'vitest';
import { apiKeyState, planState, quotaState, subscriptionState } from '../../testing/state-builders';
import { GatewayState } from './gateway-state';

describe('GatewayState', () => {
  it('indexes the approved subscription of an application to an API and follows status changes', () => {
    const state = new GatewayState();
    state.applySubscription('sub-1', subscriptionState({ status: 'pending' }));
    expect(state.approvedSubscription('app-1', 'api-pets')).toBeUndefined();
    state.applySubscription('sub-1', subscriptionState({ status: 'approved' }));
    expect(state.approvedSubscription('app-1', 'api-pets')?.subscriptionId).toBe('sub-1');
    state.applySubscription('sub-2', subscriptionState({ subscriptionId: 'sub-2', status: 'approved', updatedAt: '2099-01-01T00:00:00.000Z' }));
    expect(state.approvedSubscription('app-1', 'api-pets')?.subscriptionId).toBe('sub-2');
    state.applySubscription('sub-2', null);
    expect(state.approvedSubscription('app-1', 'api-pets')?.subscriptionId).toBe('sub-1');
    state.applySubscription('sub-1', subscriptionState({ status: 'revoked' }));
    expect(state.approvedSubscription('app-1', 'api-pets')).toBeUndefined();
  });

  it('looks API keys up by hash and forgets the old hash when a key changes or is tombstoned', () => {
    const state = new GatewayState();
    state.applyApiKey('k1', apiKeyState('a'.repeat(64), { apiKeyId: 'k1' }));
    expect(state.apiKeyByHash('a'.repeat(64))?.apiKeyId).toBe('k1');
    state.applyApiKey('k1', apiKeyState('b'.repeat(64), { apiKeyId: 'k1' }));
    expect(state.apiKeyByHash('a'.repeat(64))).toBeUndefined();
    expect(state.apiKeyByHash('b'.repeat(64))?.apiKeyId).toBe('k1');
    state.applyApiKey('k1', null);
    expect(state.apiKeyByHash('b'.repeat(64))).toBeUndefined();
  });

  it('derives rate policies from plans', () => {
    const state = new GatewayState();
    state.applyPlan('plan-free', planState());
    expect(state.ratePolicy('plan-free')).toBeNull();
    state.applyPlan('plan-free', planState({ rateLimit: { requests: 10, per: 'second' } }));
    expect(state.ratePolicy('plan-free')?.policyHeader).toBe('"plan-free";q=10;w=1');
    expect(state.ratePolicy('unknown')).toBeUndefined();
  });

  it('reports an exceeded quota only within its period', () => {
    const state = new GatewayState();
    const quota = quotaState({ periodStart: '2030-01-01T00:00:00.000Z', periodEnd: '2030-01-02T00:00:00.000Z' });
    state.applyQuota(quota.quotaKey, quota);
    expect(state.exceededQuota('sub-1', Date.parse('2030-01-01T12:00:00Z'))?.quotaKey).toBe(quota.quotaKey);
    expect(state.exceededQuota('sub-1', Date.parse('2030-01-02T00:00:00Z'))).toBeUndefined();
    state.applyQuota(quota.quotaKey, { ...quota, status: 'ok' });
    expect(state.exceededQuota('sub-1', Date.parse('2030-01-01T12:00:00Z'))).toBeUndefined();
  });

  it('flags route changes for recompilation and records when it last applied a record', () => {
    const state = new GatewayState();
    let changes = 0;
    state.onRoutesChanged(() => (changes += 1));
    state.applyRoute('r1', null, 1234);
    expect(changes).toBe(1);
    expect(state.lastAppliedAt).toBe(1234);
  });
});
