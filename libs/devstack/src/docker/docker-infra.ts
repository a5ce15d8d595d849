/** Images used when a Docker engine answers. cp-kafka 7.9 ships Apache Kafka 3.9, like deploy/kafka/pom.xml. */
export const DOCKER_IMAGES = {
  kafka: 'confluentinc/cp-kafka:7.9.1',
  postgres: 'postgres:15-alpine',
} as const;

export interface DockerService<T> {
  readonly value: T;
  stop(): Promise<void>;
}

function missingTestcontainers(error: unknown): Error {
  return new Error(`Docker answers, but testcontainers could not be loaded (install dev dependencies with \`npm ci\`): ${(error as Error).message}`);
}

/** A KRaft broker in a container (testcontainers); the value is its bootstrap address. */
export async function startDockerKafka(): Promise<DockerService<string>> {
  const { KafkaContainer } = await import('@testcontainers/kafka').catch((error: unknown) => {
    throw missingTestcontainers(error);
  });
  const container = await new KafkaContainer(DOCKER_IMAGES.kafka).withKraft().start();
  return {
    value: `${container.getHost()}:${container.getMappedPort(9093)}`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** A Postgres container (testcontainers); the value is the URL of `database`. */
export async function startDockerPostgres(database: string): Promise<DockerService<string>> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql').catch((error: unknown) => {
    throw missingTestcontainers(error);
  });
  const container = await new PostgreSqlContainer(DOCKER_IMAGES.postgres).withDatabase(database).withUsername('postgres').withPassword('postgres').start();
  return {
    value: container.getConnectionUri(),
    stop: async () => {
      await container.stop();
    },
  };
}
