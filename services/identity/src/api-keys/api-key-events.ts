import { ApiKeyStateV1, CredentialChangedV1, type EventData } from '@gatehouse/contracts';
import { Outbox } from '@gatehouse/messaging';
import type { EntityManager } from 'typeorm';
import { EVENT_SOURCE } from '../tokens/revocations.service';
import type { ApiKey } from './entities/api-key.entity';

export function apiKeyState(key: ApiKey, at: Date): EventData<typeof ApiKeyStateV1> {
  return {
    apiKeyId: key.id,
    applicationId: key.applicationId,
    tenantId: key.tenantId,
    prefix: key.prefix,
    hash: key.hash,
    scopes: key.scopes,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    updatedAt: at.toISOString(),
  };
}

/** Publishes the key's state (gateways accept it) or its tombstone (they stop). */
export async function stageApiKeyState(manager: EntityManager, key: ApiKey, usable: boolean, at: Date): Promise<void> {
  if (usable) await Outbox.add(manager, ApiKeyStateV1, apiKeyState(key, at), { source: EVENT_SOURCE });
  else await Outbox.addTombstone(manager, ApiKeyStateV1, key.id);
}

export async function stageCredentialChanged(
  manager: EntityManager,
  credential: { id: string; applicationId: string; tenantId: string },
  kind: EventData<typeof CredentialChangedV1>['kind'],
  change: EventData<typeof CredentialChangedV1>['change'],
  at: Date,
): Promise<void> {
  await Outbox.add(
    manager,
    CredentialChangedV1,
    { credentialId: credential.id, applicationId: credential.applicationId, tenantId: credential.tenantId, kind, change, at: at.toISOString() },
    { source: EVENT_SOURCE },
  );
}
