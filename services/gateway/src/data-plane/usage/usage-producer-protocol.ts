import type { UsageRecord } from './usage-record';

/** What the usage producer thread is started with. */
export interface UsageProducerSetup {
  readonly service: string;
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** Topic prefix of this deployment (`KAFKA_TOPIC_PREFIX`). */
  readonly prefix: string;
  /** CloudEvents `source` of the usage events. */
  readonly source: string;
  readonly logLevel: string;
}

export type UsageProducerRequest = { readonly op: 'send'; readonly id: number; readonly records: UsageRecord[] } | { readonly op: 'close' };

export type UsageProducerResponse =
  | { readonly op: 'sent'; readonly id: number; readonly messages?: number; readonly error?: { readonly message: string; readonly contract: boolean } }
  | { readonly op: 'closed' };
