import { ADMIN_AUDIENCE } from '@gatehouse/auth';
import type { SubscriptionIndex } from '../catalog/subscription-index';
import { invalidScope, invalidTarget } from './oauth-error';

export interface GrantingApplication {
  readonly id: string;
  readonly tenantId: string;
  readonly requireEncryptedTokens: boolean;
  readonly allowedScopes: readonly string[];
}

export interface GrantDecision {
  audiences: string[];
  scopes: string[];
  encrypt: boolean;
}

const MAX_RESOURCES = 10;
// RFC 8707 section 2: an absolute URI without a fragment.
const absoluteUri = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s#]+$/;

/**
 * What an application may get a token for: each `resource` (RFC 8707) must be the audience of
 * an API it holds an approved subscription to; the scopes are bounded by the application's
 * allowed scopes and, per API, by the subscription's scopes. Asking for more is an error,
 * never a silent downgrade. `ceiling` further bounds the scopes (token exchange).
 */
export function decideGrant(index: SubscriptionIndex, application: GrantingApplication, resources: readonly string[], requested: readonly string[], ceiling?: ReadonlySet<string>): GrantDecision {
  if (resources.length === 0) throw invalidTarget('resource is required: name the audience of the API the token is for (RFC 8707)');
  if (resources.length > MAX_RESOURCES) throw invalidTarget(`at most ${MAX_RESOURCES} resource values are accepted`);
  const allowed = new Set<string>();
  const applicationScopes = new Set(application.allowedScopes);
  let encrypt = application.requireEncryptedTokens;
  const audiences = [...new Set(resources)];
  for (const resource of audiences) {
    if (!absoluteUri.test(resource)) throw invalidTarget('resource must be an absolute URI without a fragment');
    // Even if an API claimed the admin audience, an application token must never be one the admin APIs accept.
    if (resource === ADMIN_AUDIENCE) throw invalidTarget(`${ADMIN_AUDIENCE} is the audience of member tokens only`);
    const grantable = index.grantable(application.id, application.tenantId, resource);
    if (!grantable) throw invalidTarget('the application holds no approved subscription to the requested resource');
    const apiScopes = new Set(grantable.api.scopes);
    for (const scope of grantable.subscription.scopes) if (apiScopes.has(scope) && applicationScopes.has(scope) && (!ceiling || ceiling.has(scope))) allowed.add(scope);
    encrypt ||= grantable.api.requireEncryptedTokens;
  }
  if (requested.length === 0) return { audiences, scopes: [...allowed].sort(), encrypt };
  const refused = requested.filter((scope) => !allowed.has(scope));
  if (refused.length > 0) throw invalidScope(`scope not granted for the requested resource: ${refused.slice(0, 5).join(' ')}`);
  return { audiences, scopes: [...requested], encrypt };
}
