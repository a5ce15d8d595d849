import { encodeEvent, type EventData, type EventDefinition } from '@gatehouse/contracts';
import { currentCorrelationId } from '@gatehouse/observability';
import type { EntityManager } from 'typeorm';
import { eventHeaders } from '../headers';
import { outboxChannel, schemaOf } from './schema';

export interface OutboxAddOptions {
  /** Trace id of the envelope; defaults to the current correlation id. */
  traceId?: string;
  /** CloudEvents `source`; defaults to `/gatehouse/<schema>`. */
  source: string;
}

interface OutboxRow {
  eventId: string | null;
  eventType: string;
  topic: string;
  key: string;
  value: string | null;
  headers: Record<string, string>;
}

async function insert(manager: EntityManager, row: OutboxRow): Promise<void> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('Outbox.add must run inside the transaction of the state change (dataSource.transaction(manager => ...))');
  }
  const schema = schemaOf(manager);
  // Transactions emitting for the same topic and key queue here, so per-key outbox order
  // (the id) is commit order; the NOTIFY is delivered at commit and wakes the relay.
  await manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0)), pg_notify($2, \'\')', [
    `gatehouse:outbox:${schema}:${row.topic}:${row.key}`,
    outboxChannel(schema),
  ]);
  await manager.query(
    `insert into "${schema}"."outbox" ("event_id", "event_type", "topic", "key", "value", "headers") values ($1, $2, $3, $4, $5, $6)`,
    [row.eventId, row.eventType, row.topic, row.key, row.value, JSON.stringify(row.headers)],
  );
}

/**
 * Transactional outbox: called with the EntityManager of the transaction that changes the
 * state, so the event commits, or rolls back, with it. The OutboxRelay publishes it after commit.
 */
export class Outbox {
  /** Validates `data` against its contract and stages the event in the caller's transaction. */
  static async add<D extends EventDefinition>(manager: EntityManager, definition: D, data: EventData<D>, options?: OutboxAddOptions): Promise<void> {
    const source = options?.source ?? `/gatehouse/${schemaOf(manager)}`;
    const encoded = encodeEvent(definition, data, { source, traceId: options?.traceId ?? currentCorrelationId() });
    await insert(manager, {
      eventId: encoded.envelope.id,
      eventType: definition.type,
      topic: definition.topic.name,
      key: encoded.key,
      value: encoded.value,
      headers: eventHeaders(encoded.envelope),
    });
  }

  /** Stages a tombstone for `key` on the definition's compacted topic. */
  static async addTombstone(manager: EntityManager, definition: EventDefinition, key: string): Promise<void> {
    if (!definition.state) throw new Error(`${definition.type} is not on a compacted topic; tombstones are for state topics`);
    await insert(manager, { eventId: null, eventType: definition.type, topic: definition.topic.name, key, value: null, headers: eventHeaders(null) });
  }
}
