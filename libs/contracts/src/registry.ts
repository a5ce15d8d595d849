import type { EventDefinition } from './define';
import * as catalog from './events/catalog';
import * as identity from './events/identity';
import * as keys from './events/keys';
import * as metering from './events/metering';
import * as usage from './events/usage';

const isDefinition = (value: unknown): value is EventDefinition =>
  typeof value === 'object' && value !== null && 'type' in value && 'schema' in value && 'topic' in value;

/** Every event type Gatehouse publishes, by CloudEvents `type`. */
export const eventRegistry: ReadonlyMap<string, EventDefinition> = new Map(
  [keys, identity, catalog, usage, metering]
    .flatMap((module) => Object.values(module))
    .filter(isDefinition)
    .map((definition) => [definition.type, definition] as const),
);

export function definitionOf(type: string): EventDefinition | undefined {
  return eventRegistry.get(type);
}
