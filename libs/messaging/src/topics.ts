import { allTopicSpecs, type TopicSpec } from '@gatehouse/contracts';
import type { ITopicConfig, Kafka } from 'kafkajs';
import { topicName } from './kafka';

/** Broker-side configuration of a topic spec: cleanup policy, and retention when the spec sets one. */
export function topicConfig(prefix: string, spec: TopicSpec): ITopicConfig {
  const configEntries: Array<{ name: string; value: string }> = [{ name: 'cleanup.policy', value: spec.cleanup }];
  if (spec.retentionMs !== undefined) configEntries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  // replicationFactor -1: the broker's default.replication.factor.
  return { topic: topicName(prefix, spec), numPartitions: spec.partitions, replicationFactor: -1, configEntries };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates every missing topic of `specs` (by default the whole registry with the dead-letter
 * topics) and waits until the cluster metadata shows each with a leader on every partition.
 * Idempotent and safe when replicas start together. Existing topics are never altered.
 */
export async function ensureTopics(kafka: Kafka, prefix: string, specs: TopicSpec[] = allTopicSpecs(), timeoutMs = 30_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(topicName(prefix, spec)));
    // Leaders are awaited below: kafkajs' own wait gives up on a metadata race that KRaft brokers show.
    if (missing.length > 0) await admin.createTopics({ topics: missing.map((spec) => topicConfig(prefix, spec)), waitForLeaders: false });
    const names = specs.map((spec) => topicName(prefix, spec));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        const ready = topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0));
        // A partition is usable once its leader answers for it, not only once metadata names one.
        if (ready && topics.length === names.length) {
          await Promise.all(names.map((name) => admin.fetchTopicOffsets(name)));
          return;
        }
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics not ready after ${timeoutMs} ms: ${names.join(', ')}`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}
