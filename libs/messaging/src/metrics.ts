import { Counter, Gauge, type Registry } from 'prom-client';

/** The messaging series of one registry, shared by every producer, consumer and relay using it. */
export interface MessagingMetrics {
  published: Counter<'topic'>;
  publishFailures: Counter<'topic'>;
  consumed: Counter<'topic' | 'group' | 'outcome'>;
  failed: Counter<'topic' | 'group' | 'kind'>;
  deadLettered: Counter<'topic' | 'group'>;
  consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  outboxBacklog: Gauge<'schema'>;
  /** Backlog probes per schema, read at scrape time. */
  backlogProbes: Map<string, () => Promise<number>>;
}

const byRegistry = new WeakMap<Registry, MessagingMetrics>();

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function create(registry: Registry): MessagingMetrics {
  const registers = [registry];
  const backlogProbes = new Map<string, () => Promise<number>>();
  return {
    published: new Counter({ name: 'gatehouse_messaging_published_total', help: 'Messages written to Kafka, by topic.', labelNames: ['topic'], registers }),
    publishFailures: new Counter({ name: 'gatehouse_messaging_publish_failures_total', help: 'Sends to Kafka that failed, by topic.', labelNames: ['topic'], registers }),
    consumed: new Counter({
      name: 'gatehouse_messaging_consumed_total',
      help: 'Messages a consumer finished with, by outcome (processed, duplicate, ignored, tombstone, dead-lettered).',
      labelNames: ['topic', 'group', 'outcome'],
      registers,
    }),
    failed: new Counter({ name: 'gatehouse_messaging_failed_total', help: 'Failed handling attempts, by failure kind.', labelNames: ['topic', 'group', 'kind'], registers }),
    deadLettered: new Counter({ name: 'gatehouse_messaging_dead_lettered_total', help: 'Messages sent to a dead-letter topic, by origin topic.', labelNames: ['topic', 'group'], registers }),
    consumerLag: new Gauge({ name: 'gatehouse_messaging_consumer_lag', help: 'High-water mark minus processed offset, per partition.', labelNames: ['group', 'topic', 'partition'], registers }),
    outboxBacklog: new Gauge({
      name: 'gatehouse_messaging_outbox_backlog',
      help: 'Outbox rows committed and not yet published.',
      labelNames: ['schema'],
      registers,
      async collect() {
        await Promise.all(
          [...backlogProbes].map(async ([schema, probe]) => {
            try {
              this.set({ schema }, await withTimeout(probe(), 1_000));
            } catch {
              // An unreachable database leaves the last known value.
            }
          }),
        );
      },
    }),
    backlogProbes,
  };
}

/** The messaging metrics of `registry`, created on first use; undefined without a registry. */
export function messagingMetrics(registry: Registry | undefined): MessagingMetrics | undefined {
  if (!registry) return undefined;
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = create(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
