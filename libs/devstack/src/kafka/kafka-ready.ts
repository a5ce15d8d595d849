import { Kafka, logLevel } from 'kafkajs';

export interface WaitForKafkaOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Stops waiting early with this error (e.g. the broker process exited). */
  readonly failed?: () => Error | undefined;
}

/** Polls `describeCluster` until the brokers answer; rejects after the deadline. */
export async function waitForKafka(brokers: string, options: WaitForKafkaOptions): Promise<void> {
  const kafka = new Kafka({
    clientId: 'gatehouse-devstack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const failure = options.failed?.();
    if (failure) throw failure;
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`Kafka at ${brokers} did not answer within ${options.timeoutMs} ms${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}

/** Deletes every topic whose name starts with `prefix` (a no-op for an empty prefix). */
export async function deleteTopicsWithPrefix(brokers: string, prefix: string): Promise<number> {
  if (!prefix) return 0;
  const kafka = new Kafka({ clientId: 'gatehouse-devstack-cleanup', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    return topics.length;
  } finally {
    await admin.disconnect();
  }
}
