import { createLogger, type Logger } from '@gatehouse/observability';
import { Kafka, type LogEntry, logLevel } from 'kafkajs';

export interface CreateKafkaOptions {
  clientId: string;
  brokers: string[];
  /** kafkajs' own log lines (warn and above) go here; a pino logger at warn is created when absent. */
  logger?: Logger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

function logCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log as LogEntry['log'] & { logger?: string };
      const fields = { kafkajs: namespace, ...extra };
      // kafkajs logs every error response at ERROR, though it retries the retriable ones.
      const retriedResponse = namespace === 'Connection' && message.startsWith('Response ');
      if (level <= logLevel.ERROR && !retriedResponse) logger.error(fields, message);
      else if (level <= logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

/** A kafkajs client whose log lines go to pino at warn and above. */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const logger = options.logger ?? createLogger({ service: options.clientId, level: 'warn' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: logCreator(logger.child({ component: 'kafkajs' })),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
  });
}

/** The broker topic of a topic spec: `${prefix}${spec.name}`. */
export function topicName(prefix: string, spec: { name: string }): string {
  return `${prefix}${spec.name}`;
}

/**
 * Runs `operation` until it succeeds, retrying errors the broker marks retriable (a leader not
 * yet elected after topic creation, a coordinator moving) for up to `timeoutMs` with growing
 * pauses. A fresh broker under load can take several seconds to elect every leader.
 */
export async function withRetry<T>(operation: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 1_000)) {
    try {
      return await operation();
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable === false || Date.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
