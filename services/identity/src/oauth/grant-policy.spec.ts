import { describe, expect, it } from 'vitest';
import { type ApiState, type SubscriptionState, SubscriptionIndex } from '../catalog/subscription-index';
import { decideGrant, type GrantingApplication } from './grant-policy';
import type { OAuthError } from './oauth-error';

const at = '2026-01-01T00:00:00.000Z';
const api = (overrides: Partial<ApiState> = {}): ApiState => ({
  apiId: 'api-orders',
  tenantId: 'acme',
  teamId: 'team-orders',
  name: 'orders',
  audience: 'https://orders.test',
  visibility: 'tenant',
  requireEncryptedTokens: false,
  scopes: ['orders:read', 'orders:write'],
  updatedAt: at,
  ...overrides,
});
const subscription = (overrides: Partial<SubscriptionState> = {}): SubscriptionState => ({
  subscriptionId: 'sub-1',
  tenantId: 'acme',
  applicationTenantId: 'acme',
  apiId: 'api-orders',
  audience: 'https://orders.test',
  applicationId: 'app-1',
  planId: 'plan-1',
  status: 'approved',
  scopes: ['orders:read'],
  updatedAt: at,
  ...overrides,
});
const app: GrantingApplication = { id: 'app-1', tenantId: 'acme', requireEncryptedTokens: false, allowedScopes: ['orders:read', 'orders:write'] };

function index(apis: ApiState[] = [api()], subscriptions: SubscriptionState[] = [subscription()]): SubscriptionIndex {
  const built = new SubscriptionIndex();
  for (const entry of apis) built.applyApi(entry, entry.apiId);
  for (const entry of subscriptions) built.applySubscription(entry, entry.subscriptionId);
  return built;
}

const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as OAuthError).error;
  }
  return null;
};

describe('decideGrant', () => {
  it('grants the subscribed audience with the scopes both the application and the subscription allow', () => {
    expect(decideGrant(index(), app, ['https://orders.test'], [])).toEqual({ audiences: ['https://orders.test'], scopes: ['orders:read'], encrypt: false });
    expect(decideGrant(index(), app, ['https://orders.test'], ['orders:read']).scopes).toEqual(['orders:read']);
  });

  it('refuses a scope the subscription does not carry, even if the application may hold it', () => {
    expect(errorOf(() => decideGrant(index(), app, ['https://orders.test'], ['orders:write']))).toBe('invalid_scope');
  });

  it('refuses a missing, malformed or unsubscribed resource with invalid_target', () => {
    expect(errorOf(() => decideGrant(index(), app, [], []))).toBe('invalid_target');
    expect(errorOf(() => decideGrant(index(), app, ['https://orders.test#x'], []))).toBe('invalid_target');
    expect(errorOf(() => decideGrant(index(), app, ['https://other.test'], []))).toBe('invalid_target');
    expect(errorOf(() => decideGrant(index(), { ...app, id: 'app-2' }, ['https://orders.test'], []))).toBe('invalid_target');
    expect(errorOf(() => decideGrant(index(), { ...app, tenantId: 'globex' }, ['https://orders.test'], []))).toBe('invalid_target');
  });

  it('follows subscription changes: pending, revoked and tombstoned subscriptions grant nothing', () => {
    for (const status of ['pending', 'revoked', 'rejected', 'cancelled'] as const) {
      expect(errorOf(() => decideGrant(index([api()], [subscription({ status })]), app, ['https://orders.test'], []))).toBe('invalid_target');
    }
    const built = index();
    built.applySubscription(null, 'sub-1');
    expect(errorOf(() => decideGrant(built, app, ['https://orders.test'], []))).toBe('invalid_target');
  });

  it('never grants the admin audience to an application, even when an API claims it', () => {
    const claimed = index([api({ audience: 'urn:gatehouse:admin' })], [subscription({ audience: 'urn:gatehouse:admin' })]);
    expect(errorOf(() => decideGrant(claimed, app, ['urn:gatehouse:admin'], []))).toBe('invalid_target');
  });

  it('fails closed when the API itself is unknown', () => {
    expect(errorOf(() => decideGrant(index([], [subscription()]), app, ['https://orders.test'], []))).toBe('invalid_target');
  });

  it('encrypts when the application or any requested API requires it', () => {
    expect(decideGrant(index(), { ...app, requireEncryptedTokens: true }, ['https://orders.test'], []).encrypt).toBe(true);
    const apis = [api(), api({ apiId: 'api-pay', audience: 'https://pay.test', requireEncryptedTokens: true })];
    const subscriptions = [subscription(), subscription({ subscriptionId: 'sub-2', apiId: 'api-pay', audience: 'https://pay.test' })];
    expect(decideGrant(index(apis, subscriptions), app, ['https://orders.test', 'https://pay.test'], []).encrypt).toBe(true);
    expect(decideGrant(index(apis, subscriptions), app, ['https://orders.test'], []).encrypt).toBe(false);
  });

  it('bounds scopes by a ceiling (token exchange)', () => {
    expect(decideGrant(index(), app, ['https://orders.test'], [], new Set()).scopes).toEqual([]);
    expect(errorOf(() => decideGrant(index(), app, ['https://orders.test'], ['orders:read'], new Set(['orders:write'])))).toBe('invalid_scope');
  });
});
