import { type Rejection, rejection, rejections } from '../http/rejections';
import type { Exchange } from '../server/exchange';
import type { GatewayState } from '../state/gateway-state';

const scopeRejections = new WeakMap<object, Rejection>();

function insufficientScope(exchange: Exchange): Rejection {
  const route = exchange.route!;
  let cached = scopeRejections.get(route);
  if (cached === undefined) {
    const base = rejections.insufficientScope;
    cached = rejection(base.status, base.code, `${base.message}: ${route.scopes.join(' ')}`, exchange.authMethod === 'bearer' ? ['www-authenticate', route.scopeChallenge] : null);
    scopeRejections.set(route, cached);
  }
  return cached;
}

function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  for (const scope of required) if (!granted.includes(scope)) return false;
  return true;
}

/**
 * Decides whether an authenticated caller may use the route: its application is active and
 * of the caller's tenant, it holds an approved subscription to the route's API (the
 * subscription ties the application's tenant to the API owner's), and the credential
 * carries every scope the route requires.
 */
export function authorize(exchange: Exchange, state: GatewayState): Rejection | null {
  const route = exchange.route!;
  if (route.isPublic) return null;
  const applicationId = exchange.applicationId!;
  const application = state.applications.get(applicationId);
  if (application === undefined || application.status !== 'active') return rejections.applicationInactive;
  if (application.tenantId !== exchange.tenantId) return rejections.tenantMismatch;
  const subscription = state.approvedSubscription(applicationId, route.apiId);
  if (subscription === undefined) return rejections.noSubscription;
  if (subscription.applicationTenantId !== exchange.tenantId || subscription.tenantId !== route.tenantId) return rejections.tenantMismatch;
  exchange.subscriptionId = subscription.subscriptionId;
  exchange.planId = subscription.planId;
  if (!hasScopes(exchange.scopes, route.scopes)) return insufficientScope(exchange);
  return null;
}
