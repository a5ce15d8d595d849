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

/** Runs `operation` until it succeeds or `attempts` are used, waiting `delayMs` between tries (metadata races after topic creation). */
export async function withRetry<T>(operation: () => Promise<T>, attempts = 20, delayMs = 100): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
