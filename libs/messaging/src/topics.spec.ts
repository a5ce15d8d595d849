import { allTopicSpecs, Topics } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { topicName } from './kafka';
import { topicConfig } from './topics';

describe('topicConfig', () => {
  it('compacts state topics', () => {
    expect(topicConfig('dev.', Topics.applicationState)).toEqual({
      topic: 'dev.gatehouse.identity.applications',
      numPartitions: 3,
      replicationFactor: -1,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    });
  });

  it('sets retention from the spec on append-only topics', () => {
    expect(topicConfig('', Topics.usage).configEntries).toEqual([
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(7 * 24 * 3600 * 1000) },
    ]);
  });

  it('gives every dead-letter topic one partition and 14 days', () => {
    const dlq = allTopicSpecs().find((spec) => spec.name === 'gatehouse.identity.applications.dlq')!;
    expect(topicConfig('', dlq)).toMatchObject({ numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: String(14 * 24 * 3600 * 1000) }] });
  });

  it('prefixes topic names', () => {
    expect(topicName('a.b.', { name: 'gatehouse.keys.state' })).toBe('a.b.gatehouse.keys.state');
  });
});
