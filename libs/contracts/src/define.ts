import type { z } from 'zod';
import type { TopicSpec } from './topics';

/**
 * One event type: its CloudEvents `type` (which carries the schema version), the topic it
 * travels on, the runtime schema of `data`, and how the message key, subject and tenant are
 * derived from the payload. The TypeScript type of `data` is inferred from the schema, so a
 * publisher cannot compile a payload that does not match it.
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly topic: TopicSpec;
  readonly schema: S;
  /** Message key: the aggregate id (events) or entity id (state). */
  readonly key: (data: z.infer<S>) => string;
  readonly tenant: (data: z.infer<S>) => string;
  /** `true` for compacted state topics, where the latest message per key is the truth. */
  readonly state: boolean;
}

export type EventData<D extends EventDefinition> = z.infer<D['schema']>;

export function defineEvent<S extends z.ZodType>(definition: Omit<EventDefinition<S>, 'state'>): EventDefinition<S> {
  if (definition.topic.cleanup !== 'delete') throw new Error(`${definition.type}: events go on append-only topics`);
  return { ...definition, state: false };
}

export function defineState<S extends z.ZodType>(definition: Omit<EventDefinition<S>, 'state'>): EventDefinition<S> {
  if (definition.topic.cleanup !== 'compact') throw new Error(`${definition.type}: state goes on compacted topics`);
  return { ...definition, state: true };
}
