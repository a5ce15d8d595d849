import type { IdentityHarness } from './identity-harness';

export interface TestApplication {
  tenantId: string;
  teamId: string;
  clientId: string;
  clientSecret: string;
}

/** A team, an application with a client secret, an API and an approved subscription to it. */
export async function createSubscribedApplication(
  harness: IdentityHarness,
  options: { tenantId?: string; audience: string; apiScopes?: string[]; allowedScopes?: string[]; requireEncryptedTokens?: boolean; apiRequiresEncryption?: boolean },
): Promise<TestApplication & { apiId: string }> {
  const tenantId = options.tenantId ?? 'acme';
  const team = await harness.admin('POST', `/admin/tenants/${tenantId}/teams`, { name: `team-${Math.random().toString(36).slice(2, 8)}` });
  if (team.status !== 201) throw new Error(`team: ${team.status} ${JSON.stringify(team.body)}`);
  const application = await harness.admin('POST', `/admin/tenants/${tenantId}/applications`, {
    teamId: team.body.id,
    name: 'test app',
    allowedScopes: options.allowedScopes ?? ['read', 'write'],
    requireEncryptedTokens: options.requireEncryptedTokens ?? false,
  });
  if (application.status !== 201) throw new Error(`application: ${application.status} ${JSON.stringify(application.body)}`);
  const secret = await harness.admin('POST', `/admin/tenants/${tenantId}/applications/${application.body.id}/credentials/secrets`, {});
  if (secret.status !== 201) throw new Error(`secret: ${secret.status} ${JSON.stringify(secret.body)}`);
  const apiId = `api-${Math.random().toString(36).slice(2, 10)}`;
  await harness.publishApi({ apiId, tenantId, teamId: 'team-api-owner', audience: options.audience, scopes: options.apiScopes ?? ['read', 'write'], requireEncryptedTokens: options.apiRequiresEncryption ?? false });
  await harness.publishSubscription({ applicationId: application.body.id, apiId, audience: options.audience, tenantId, scopes: options.apiScopes ?? ['read', 'write'] });
  return { tenantId, teamId: team.body.id, clientId: application.body.id, clientSecret: secret.body.clientSecret, apiId };
}
