import { ApplicationChangedV1, ApplicationStateV1, type EventData } from '@gatehouse/contracts';
import { Outbox } from '@gatehouse/messaging';
import type { EntityManager } from 'typeorm';
import { EVENT_SOURCE } from '../tokens/revocations.service';
import type { Application } from './entities/application.entity';

export type ApplicationChange = EventData<typeof ApplicationChangedV1>['change'];

export function applicationState(application: Application): EventData<typeof ApplicationStateV1> {
  return {
    applicationId: application.id,
    tenantId: application.tenantId,
    teamId: application.teamId,
    name: application.name,
    status: application.status,
    requireEncryptedTokens: application.requireEncryptedTokens,
    allowedScopes: application.allowedScopes,
    updatedAt: application.updatedAt.toISOString(),
  };
}

/** The change event and the compacted state (a tombstone once deleted), in the caller's transaction. */
export async function stageApplicationEvents(manager: EntityManager, application: Application, change: ApplicationChange): Promise<void> {
  const { updatedAt, ...fields } = applicationState(application);
  await Outbox.add(manager, ApplicationChangedV1, { ...fields, change, at: updatedAt }, { source: EVENT_SOURCE });
  if (application.status === 'deleted') await Outbox.addTombstone(manager, ApplicationStateV1, application.id);
  else await Outbox.add(manager, ApplicationStateV1, applicationState(application), { source: EVENT_SOURCE });
}
