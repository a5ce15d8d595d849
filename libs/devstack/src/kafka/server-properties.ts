import { randomBytes } from 'node:crypto';

export interface BrokerConfig {
  /** Client listener port (PLAINTEXT). */
  readonly port: number;
  /** KRaft controller listener port. */
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly host?: string;
  readonly nodeId?: number;
}

/** `server.properties` for a single-node KRaft broker that is its own controller. */
export function serverProperties(config: BrokerConfig): string {
  const host = config.host ?? '127.0.0.1';
  const nodeId = config.nodeId ?? 1;
  const entries: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', nodeId],
    ['controller.quorum.voters', `${nodeId}@${host}:${config.controllerPort}`],
    ['listeners', `PLAINTEXT://${host}:${config.port},CONTROLLER://${host}:${config.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${host}:${config.port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', config.dataDir],
    ['num.partitions', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 1],
    ['group.initial.rebalance.delay.ms', 0],
    // Topics come from the contracts registry and are created explicitly.
    ['auto.create.topics.enable', 'false'],
    ['delete.topic.enable', 'true'],
  ];
  return `${entries.map(([key, value]) => `${key}=${escapeValue(String(value))}`).join('\n')}\n`;
}

/** Java properties escaping for values (backslashes, and the separators `:` `=` are harmless in values). */
function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A Kafka UUID: 16 random bytes, base64url without padding, never starting with `-`. */
export function kafkaUuid(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * The `meta.properties` that `kafka-storage format` writes. Writing it directly saves a JVM
 * start; with no bootstrap checkpoint the broker bootstraps the latest metadata version.
 */
export function metaProperties(clusterId: string, nodeId = 1, directoryId: string = kafkaUuid()): string {
  return `version=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\ndirectory.id=${directoryId}\n`;
}

/** log4j 1.x configuration: warnings and errors only, to stdout (redirected to the log file). */
export const LOG4J_PROPERTIES = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  // The "controller activation" and state-change chatter is not useful here.
  'log4j.logger.state.change.logger=ERROR',
  '',
].join('\n');

/** JVM options for a small local broker. */
export const BROKER_JVM_OPTIONS: readonly string[] = ['-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];
