import type { AiProviderEntity } from './ai-provider.entity';

/** A provider as the admin API shows it: whether it has a credential and its fingerprint, never the credential. */
export function providerView(provider: AiProviderEntity) {
  return {
    id: provider.id,
    tenantId: provider.tenantId,
    teamId: provider.teamId,
    name: provider.name,
    type: provider.type,
    baseUrl: provider.baseUrl,
    apiVersion: provider.apiVersion,
    deployment: provider.deployment,
    hasCredential: provider.credentialCiphertext !== null,
    credentialFingerprint: provider.credentialFingerprint,
    credentialUpdatedAt: provider.credentialUpdatedAt ? provider.credentialUpdatedAt.toISOString() : null,
    createdAt: provider.createdAt.toISOString(),
    updatedAt: provider.updatedAt.toISOString(),
  };
}
