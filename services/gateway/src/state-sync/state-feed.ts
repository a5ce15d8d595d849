import {
  ApiKeyStateV1,
  ApplicationStateV1,
  type EventDefinition,
  KeyStateV1,
  PlanStateV1,
  QuotaStateV1,
  RevocationStateV1,
  RouteStateV1,
  SubscriptionStateV1,
} from '@gatehouse/contracts';
import { type EventProducer, type StateRecord, StateTopicReader } from '@gatehouse/messaging';
import type { Logger } from '@gatehouse/observability';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { GatewayAuth } from '../data-plane/auth/gateway-auth';
import type { GatewayState } from '../data-plane/state/gateway-state';

/** Every compacted topic the gateway rebuilds its state from. */
export const gatewayStateDefinitions: EventDefinition[] = [RouteStateV1, SubscriptionStateV1, PlanStateV1, ApplicationStateV1, ApiKeyStateV1, KeyStateV1, RevocationStateV1, QuotaStateV1];

export interface StateFeedOptions {
  readonly kafka: Kafka;
  readonly prefix: string;
  readonly groupId: string;
  readonly state: GatewayState;
  readonly auth: GatewayAuth;
  readonly producer?: EventProducer;
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Further state read by the same reader (the AI topic), with its own apply. */
  readonly extra?: StateSink;
}

/** State kept outside `GatewayState`: the definitions it reads and how it applies them. */
export interface StateSink {
  readonly definitions: readonly EventDefinition[];
  handles(definition: EventDefinition): boolean;
  apply(record: StateRecord): Promise<void>;
}

/** Applies one state record (or tombstone) to the gateway state and the auth rings. */
export async function applyStateRecord(record: StateRecord, state: GatewayState, auth: GatewayAuth): Promise<void> {
  const { definition, key } = record;
  const data = record.envelope?.data ?? null;
  switch (definition.type) {
    case RouteStateV1.type:
      return state.applyRoute(key, data as never);
    case SubscriptionStateV1.type:
      return state.applySubscription(key, data as never);
    case PlanStateV1.type:
      return state.applyPlan(key, data as never);
    case ApplicationStateV1.type:
      state.applyApplication(key, data as never);
      return auth.revocations.applyApplication(data as never, key);
    case ApiKeyStateV1.type:
      return state.applyApiKey(key, data as never);
    case QuotaStateV1.type:
      return state.applyQuota(key, data as never);
    case RevocationStateV1.type:
      auth.revocations.applyRevocation(data as never, key);
      return state.recordAuthChange();
    case KeyStateV1.type:
      auth.keys.apply(data as never, key);
      await auth.decryptionKeys.apply(data as never, key);
      return state.recordAuthChange();
  }
}

/**
 * Reads the gateway's compacted state topics from the beginning into the state and the auth
 * rings, and keeps following them. Ready once caught up to the high-water marks seen at start
 * and every encryption key seen so far is unwrapped.
 */
export class StateFeed {
  private readonly reader: StateTopicReader;

  constructor(private readonly options: StateFeedOptions) {
    this.reader = new StateTopicReader({
      kafka: options.kafka,
      prefix: options.prefix,
      definitions: [...gatewayStateDefinitions, ...(options.extra?.definitions ?? [])],
      groupId: options.groupId,
      onRecord: (record) => (options.extra?.handles(record.definition) ? options.extra.apply(record) : applyStateRecord(record, options.state, options.auth)),
      ...(options.producer ? { producer: options.producer } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  isCaughtUp(): boolean {
    return this.reader.isCaughtUp();
  }

  /** Resolves once caught up and every encryption key read so far is usable (or refused). */
  async caughtUp(): Promise<void> {
    await this.reader.caughtUp();
    await this.options.auth.decryptionKeys.settled();
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}
