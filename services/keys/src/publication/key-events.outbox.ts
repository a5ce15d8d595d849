import { Injectable } from '@nestjs/common';
import { type EventData, KeyRevokedV1, KeyStateV1, KeyTransitionedV1 } from '@gatehouse/contracts';
import { Outbox } from '@gatehouse/messaging';
import type { EntityManager } from 'typeorm';

const source = '/gatehouse/keys';

/** Stages key events in the caller's transaction; the outbox relay publishes them after commit. */
@Injectable()
export class KeyEventsOutbox {
  transitioned(manager: EntityManager, data: EventData<typeof KeyTransitionedV1>): Promise<void> {
    return Outbox.add(manager, KeyTransitionedV1, data, { source });
  }

  revoked(manager: EntityManager, data: EventData<typeof KeyRevokedV1>): Promise<void> {
    return Outbox.add(manager, KeyRevokedV1, data, { source });
  }

  state(manager: EntityManager, data: EventData<typeof KeyStateV1>): Promise<void> {
    return Outbox.add(manager, KeyStateV1, data, { source });
  }

  tombstone(manager: EntityManager, kid: string): Promise<void> {
    return Outbox.addTombstone(manager, KeyStateV1, kid);
  }
}
