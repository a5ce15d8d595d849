import { randomUUID } from 'node:crypto';
import type { ApiKeyState, ApplicationState, PlanState, QuotaState, RouteState, SubscriptionState } from '../data-plane/state/state-types';

const now = () => new Date().toISOString();

/** A catalog route record with sensible defaults. */
export function routeState(overrides: Partial<RouteState> & Pick<RouteState, 'path'> & { upstreamUrl?: string }): RouteState {
  const { upstreamUrl, ...rest } = overrides;
  return {
    routeId: `route-${randomUUID().slice(0, 8)}`,
    tenantId: 'acme',
    apiId: 'api-pets',
    apiVersionId: 'api-pets-v1',
    apiName: 'Pets',
    version: 'v1',
    audience: 'https://api.acme.test/pets',
    host: null,
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'],
    stripPrefix: '',
    upstream: {
      targets: [{ url: upstreamUrl ?? 'http://127.0.0.1:9', weight: 1 }],
      loadBalancing: 'weighted-round-robin',
      timeouts: { connectMs: 1_000, firstByteMs: 2_000, totalMs: 5_000 },
      retries: { attempts: 1, backoffMs: 10 },
    },
    auth: { methods: ['bearer', 'api_key'], requireEncryptedToken: false, scopes: [] },
    lifecycle: { state: 'published', deprecatedAt: null, sunsetAt: null },
    kind: 'http',
    maxBodyBytes: 1024 * 1024,
    updatedAt: now(),
    ...rest,
  };
}

export function applicationState(overrides: Partial<ApplicationState> = {}): ApplicationState {
  return {
    applicationId: 'app-1',
    tenantId: 'acme',
    teamId: 'team-1',
    name: 'Test app',
    status: 'active',
    requireEncryptedTokens: false,
    allowedScopes: ['pets:read', 'pets:write'],
    updatedAt: now(),
    ...overrides,
  };
}

export function subscriptionState(overrides: Partial<SubscriptionState> = {}): SubscriptionState {
  return {
    subscriptionId: 'sub-1',
    tenantId: 'acme',
    applicationTenantId: 'acme',
    apiId: 'api-pets',
    audience: 'https://api.acme.test/pets',
    applicationId: 'app-1',
    planId: 'plan-free',
    status: 'approved',
    scopes: ['pets:read', 'pets:write'],
    updatedAt: now(),
    ...overrides,
  };
}

export function planState(overrides: Partial<PlanState> = {}): PlanState {
  return {
    planId: 'plan-free',
    tenantId: 'acme',
    apiId: 'api-pets',
    name: 'Free',
    rateLimit: null,
    quotas: [],
    currency: null,
    updatedAt: now(),
    ...overrides,
  };
}

export function apiKeyState(hash: string, overrides: Partial<ApiKeyState> = {}): ApiKeyState {
  return {
    apiKeyId: `key-${randomUUID().slice(0, 8)}`,
    applicationId: 'app-1',
    tenantId: 'acme',
    prefix: 'ghk_test',
    hash,
    scopes: ['pets:read'],
    expiresAt: null,
    updatedAt: now(),
    ...overrides,
  };
}

export function quotaState(overrides: Partial<QuotaState> = {}): QuotaState {
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  return {
    quotaKey: 'sub-1:requests:day',
    tenantId: 'acme',
    applicationId: 'app-1',
    apiId: 'api-pets',
    subscriptionId: 'sub-1',
    planId: 'plan-free',
    metric: 'requests',
    period: 'day',
    periodStart: start.toISOString(),
    periodEnd: new Date(start.getTime() + 86_400_000).toISOString(),
    limit: 1000,
    used: 1000,
    status: 'exceeded',
    updatedAt: now(),
    ...overrides,
  };
}
