import { CreateMessagingTables1735689600000 } from './outbox/messaging.migration';
import { OutboxMessage } from './outbox/outbox-message.entity';
import { ProcessedEvent } from './outbox/processed-event.entity';

export * from './errors';
export * from './backoff';
export * from './dead-letter';
export { STRUCTURED_CONTENT_TYPE } from './headers';
export * from './kafka';
export * from './topics';
export { type MessagingMetrics, messagingMetrics } from './metrics';
export * from './producer/event-producer';
export * from './outbox/outbox';
export * from './outbox/outbox-relay';
export * from './consumer/event-consumer';
export * from './consumer/consumer-supervisor';
export * from './state/state-topic-reader';
export { OutboxMessage, ProcessedEvent, CreateMessagingTables1735689600000 };

/** TypeORM entities of the messaging tables; add them to the service's data source. */
export const messagingEntities: Function[] = [OutboxMessage, ProcessedEvent];

/** Migrations creating `outbox` and `processed_events` in the data source's schema. */
export const messagingMigrations: Function[] = [CreateMessagingTables1735689600000];
