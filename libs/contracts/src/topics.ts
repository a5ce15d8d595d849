/**
 * Every Kafka topic Gatehouse uses. State topics are log-compacted and keyed by entity id (a
 * null value is a tombstone); event topics are append-only and keyed by aggregate id so
 * that one aggregate's events stay ordered. Each topic has a dead-letter topic.
 */
export type CleanupPolicy = 'compact' | 'delete';

export interface TopicSpec {
  /** Logical name; the broker topic is `${prefix}${name}`. */
  readonly name: string;
  readonly owner: 'keys' | 'identity' | 'catalog' | 'gateway' | 'metering' | 'platform';
  readonly cleanup: CleanupPolicy;
  readonly partitions: number;
  /** What the message key is. */
  readonly key: string;
  readonly retentionMs?: number;
  readonly description: string;
}

const spec = <const T extends TopicSpec>(value: T) => value;

export const Topics = {
  keyEvents: spec({ name: 'gatehouse.keys.events', owner: 'keys', cleanup: 'delete', partitions: 3, key: 'keySetId', description: 'Key lifecycle transitions and revocations.' }),
  keyState: spec({ name: 'gatehouse.keys.state', owner: 'keys', cleanup: 'compact', partitions: 1, key: 'kid', description: 'Every currently published key: public JWK, state, and the private part wrapped for the service that uses it.' }),
  identityEvents: spec({ name: 'gatehouse.identity.events', owner: 'identity', cleanup: 'delete', partitions: 3, key: 'aggregate id (tenant, team, application)', description: 'Tenant, team, application and credential changes; token revocations.' }),
  applicationState: spec({ name: 'gatehouse.identity.applications', owner: 'identity', cleanup: 'compact', partitions: 3, key: 'applicationId', description: 'Current state of every application (OAuth client).' }),
  apiKeyState: spec({ name: 'gatehouse.identity.api-keys', owner: 'identity', cleanup: 'compact', partitions: 3, key: 'apiKeyId', description: 'API keys: prefix and hash, never the secret.' }),
  revocationState: spec({ name: 'gatehouse.identity.revocations', owner: 'identity', cleanup: 'compact', partitions: 3, key: 'revocation id', description: 'Revoked tokens (by jti) and revoked subjects/applications (tokens issued before a time).' }),
  catalogEvents: spec({ name: 'gatehouse.catalog.events', owner: 'catalog', cleanup: 'delete', partitions: 3, key: 'apiId', description: 'API changes, version lifecycle transitions and subscription changes; plans change only on their compacted state topic.' }),
  apiState: spec({ name: 'gatehouse.catalog.apis', owner: 'catalog', cleanup: 'compact', partitions: 3, key: 'apiId', description: 'API metadata the token issuer and the gateway need (audience, confidentiality).' }),
  routeState: spec({ name: 'gatehouse.catalog.routes', owner: 'catalog', cleanup: 'compact', partitions: 3, key: 'routeId', description: 'Every routable route of a published, deprecated or retired API version.' }),
  subscriptionState: spec({ name: 'gatehouse.catalog.subscriptions', owner: 'catalog', cleanup: 'compact', partitions: 3, key: 'subscriptionId', description: 'Subscriptions of applications to APIs under a plan.' }),
  planState: spec({ name: 'gatehouse.catalog.plans', owner: 'catalog', cleanup: 'compact', partitions: 3, key: 'planId', description: 'Plans: rate limits and quotas.' }),
  aiState: spec({
    name: 'gatehouse.catalog.ai',
    owner: 'catalog',
    cleanup: 'compact',
    partitions: 3,
    key: 'provider:<providerId> | model:<modelId> | policy:<policyId> | prompt:<routeId>',
    description: 'AI providers (credential wrapped for the gateway), models and prices, routing policies and prompt API definitions.',
  }),
  usage: spec({ name: 'gatehouse.gateway.usage', owner: 'gateway', cleanup: 'delete', partitions: 6, key: 'batchId (recordId for a single record)', retentionMs: 7 * 24 * 3600 * 1000, description: 'One usage record per gateway request, in batch events of one tenant each.' }),
  meteringEvents: spec({ name: 'gatehouse.metering.events', owner: 'metering', cleanup: 'delete', partitions: 3, key: 'quota key', description: 'Quota warnings, exceedances and resets.' }),
  quotaState: spec({ name: 'gatehouse.metering.quotas', owner: 'metering', cleanup: 'compact', partitions: 3, key: 'quota key', description: 'Current quota state per subscription, metric and period.' }),
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof Topics;
export type TopicName = (typeof Topics)[TopicKey]['name'];

export const DEAD_LETTER_SUFFIX = '.dlq';

/** The dead-letter topic of a topic: same name with `.dlq`, append-only, kept 14 days. */
export function deadLetterOf(name: string): string {
  return `${name}${DEAD_LETTER_SUFFIX}`;
}

export function allTopicSpecs(): TopicSpec[] {
  const topics: TopicSpec[] = Object.values(Topics);
  return [
    ...topics,
    ...topics.map((topic) => ({
      name: deadLetterOf(topic.name),
      owner: topic.owner,
      cleanup: 'delete' as const,
      partitions: 1,
      key: topic.key,
      retentionMs: 14 * 24 * 3600 * 1000,
      description: `Dead letters of ${topic.name}: messages that failed validation or kept failing, with the reason.`,
    })),
  ];
}
