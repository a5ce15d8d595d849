import { ContractViolationError, decodeEvent, type Envelope, type EventDefinition, eventRegistry } from '@gatehouse/contracts';
import { topicName } from '../kafka';

export type DecodedMessage =
  | { kind: 'event'; envelope: Envelope; definition: EventDefinition }
  /** A registered type of this topic that this consumer did not ask for. */
  | { kind: 'ignored'; type: string }
  /** A null value on a compacted topic: the entity was deleted. */
  | { kind: 'tombstone'; definition: EventDefinition; key: string };

interface TopicEntry {
  wanted: Set<string>;
  /** Wanted definitions first, then the registry's other types of the topic. */
  candidates: EventDefinition[];
  state: EventDefinition | undefined;
}

/**
 * Validates a raw message of one of the consumer's topics. Throws ContractViolationError for
 * anything that must be dead-lettered: not JSON, an invalid envelope, a type unknown on that
 * topic, a payload that fails its schema, a tombstone on an append-only topic.
 */
export class MessageDecoder {
  private readonly topics = new Map<string, TopicEntry>();

  constructor(prefix: string, definitions: readonly EventDefinition[], registry: Iterable<EventDefinition> = eventRegistry.values()) {
    if (definitions.length === 0) throw new Error('a consumer needs at least one event definition');
    const known = [...registry];
    for (const definition of definitions) {
      const name = topicName(prefix, definition.topic);
      const entry = this.topics.get(name) ?? { wanted: new Set<string>(), candidates: [], state: undefined };
      entry.wanted.add(definition.type);
      entry.candidates.push(definition);
      if (definition.state) entry.state ??= definition;
      this.topics.set(name, entry);
    }
    for (const entry of this.topics.values()) {
      const topic = entry.candidates[0]!.topic.name;
      entry.candidates.push(...known.filter((definition) => definition.topic.name === topic && !entry.wanted.has(definition.type)));
    }
  }

  /** Broker topic names to subscribe to. */
  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  decode(topic: string, key: Buffer | string | null, value: Buffer | string | null): DecodedMessage {
    const entry = this.topics.get(topic);
    if (!entry) throw new ContractViolationError(`not subscribed to topic ${topic}`);
    if (value === null || value === undefined || value.length === 0) {
      if (!entry.state) throw new ContractViolationError(`message has no value on append-only topic ${topic}`);
      const text = key === null || key === undefined ? '' : key.toString();
      if (text.length === 0) throw new ContractViolationError('tombstone has no key');
      return { kind: 'tombstone', definition: entry.state, key: text };
    }
    const { envelope, definition } = decodeEvent(value, entry.candidates);
    if (!entry.wanted.has(definition.type)) return { kind: 'ignored', type: definition.type };
    return { kind: 'event', envelope, definition };
  }
}
