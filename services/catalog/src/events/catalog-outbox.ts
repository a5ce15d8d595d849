import { Injectable } from '@nestjs/common';
import type { EventData, EventDefinition } from '@gatehouse/contracts';
import { Outbox } from '@gatehouse/messaging';
import type { EntityManager } from 'typeorm';

export const CATALOG_SOURCE = '/gatehouse/catalog';

/** Stages catalog events in the caller's transaction; the relay publishes them after commit. */
@Injectable()
export class CatalogOutbox {
  add<D extends EventDefinition>(manager: EntityManager, definition: D, data: EventData<D>): Promise<void> {
    return Outbox.add(manager, definition, data, { source: CATALOG_SOURCE });
  }

  tombstone(manager: EntityManager, definition: EventDefinition, key: string): Promise<void> {
    return Outbox.addTombstone(manager, definition, key);
  }
}
