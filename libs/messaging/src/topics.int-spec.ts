import { allTopicSpecs, Topics } from '@gatehouse/contracts';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicName } from './kafka';
import { createMessagingTestEnv, type MessagingTestEnv } from './testing/messaging-test-kit';
import { ensureTopics } from './topics';

describe('ensureTopics', () => {
  let env: MessagingTestEnv;

  beforeAll(async () => {
    env = await createMessagingTestEnv('topics');
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  it('creates every registry topic with its partitions, compaction and retention, and is idempotent under concurrent starts', async () => {
    await Promise.all([ensureTopics(env.kafka, env.prefix), ensureTopics(env.kafka, env.prefix)]);
    await ensureTopics(env.kafka, env.prefix);

    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const specs = allTopicSpecs();
      const names = specs.map((spec) => topicName(env.prefix, spec));
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      for (const spec of specs) {
        expect(topics.find((topic) => topic.name === topicName(env.prefix, spec))?.partitions).toHaveLength(spec.partitions);
      }
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [Topics.routeState, Topics.usage, { name: `${Topics.usage.name}.dlq` }].map((spec) => ({
          type: ConfigResourceTypes.TOPIC,
          name: topicName(env.prefix, spec),
          configNames: ['cleanup.policy', 'retention.ms'],
        })),
      });
      const config = (spec: { name: string }) =>
        Object.fromEntries(described.resources.find((resource) => resource.resourceName === topicName(env.prefix, spec))!.configEntries.map((entry) => [entry.configName, entry.configValue]));
      expect(config(Topics.routeState)['cleanup.policy']).toBe('compact');
      expect(config(Topics.usage)).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600 * 1000) });
      expect(config({ name: `${Topics.usage.name}.dlq` })).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': String(14 * 24 * 3600 * 1000) });
    } finally {
      await admin.disconnect();
    }
  });
});
