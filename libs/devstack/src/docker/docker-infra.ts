import { existingContainerAction, type DockerStore } from './docker-dev-data';

/**
 * Images used when a Docker engine answers. Kafka is Confluent's image, not `apache/kafka` as
 * in docker-compose.yml: @testcontainers/kafka starts only Confluent images (their start
 * scripts and version checks). cp-kafka 7.9 ships Apache Kafka 3.9, the line of
 * deploy/kafka/pom.xml; test/compose.spec.ts checks both images against the rest.
 */
export const DOCKER_IMAGES = {
  kafka: 'confluentinc/cp-kafka:7.9.1',
  postgres: 'postgres:15-alpine',
} as const;

/** Where the images keep their data (both declare these folders as volumes, owned by the server's user). */
const KAFKA_DATA = '/var/lib/kafka/data';
const POSTGRES_DATA = '/var/lib/postgresql/data';
/** Kept data gets a clean shutdown (the default is an immediate kill, fine for throwaway data). */
const KEPT_DATA_STOP = { timeout: 30_000 };

export interface DockerService<T> {
  readonly value: T;
  stop(): Promise<void>;
}

/** A started container as a service: `value` to connect to, `stop` removing the container (never a named volume). */
function running(container: { stop(options?: { timeout: number }): Promise<unknown> }, value: string, store: DockerStore | undefined): DockerService<string> {
  return {
    value,
    stop: async () => {
      await container.stop(store ? KEPT_DATA_STOP : undefined);
    },
  };
}

function missingTestcontainers(error: unknown): Error {
  return new Error(`Docker answers, but testcontainers could not be loaded (install dev dependencies with \`npm ci\`): ${(error as Error).message}`);
}

async function dockerode() {
  const { getContainerRuntimeClient } = await import('testcontainers').catch((error: unknown) => {
    throw missingTestcontainers(error);
  });
  return (await getContainerRuntimeClient()).container.dockerode;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/**
 * Makes the store's container name free: a stopped container left by an earlier start is
 * removed (its data stays on the volume); a running one means another start uses the data.
 */
async function claim(store: DockerStore): Promise<void> {
  const container = (await dockerode()).getContainer(store.container);
  let running: boolean;
  try {
    running = (await container.inspect()).State.Running;
  } catch (error) {
    if (statusOf(error) === 404) return;
    throw error;
  }
  const action = existingContainerAction({ running });
  if (action === 'refuse') {
    throw new Error(`Docker container ${store.container} is running: another npm start uses this data. Stop it first (or \`docker rm -f ${store.container}\` if none runs).`);
  }
  if (action === 'replace') await container.remove({ force: true });
}

/** Deletes the data volumes of `stores` (`npm start -- --clean`); a volume that does not exist is already clean. */
export async function removeDockerStores(stores: readonly DockerStore[]): Promise<void> {
  const docker = await dockerode();
  for (const store of stores) {
    await claim(store);
    try {
      await docker.getVolume(store.volume).remove();
    } catch (error) {
      if (statusOf(error) !== 404) throw new Error(`cannot remove Docker volume ${store.volume}: ${(error as Error).message}`);
    }
  }
}

/**
 * A KRaft broker in a container (testcontainers); the value is its bootstrap address. With a
 * `store`, its log folder is that named volume (the container is still removed when stopped).
 */
export async function startDockerKafka(store?: DockerStore): Promise<DockerService<string>> {
  const { KafkaContainer } = await import('@testcontainers/kafka').catch((error: unknown) => {
    throw missingTestcontainers(error);
  });
  const image = new KafkaContainer(DOCKER_IMAGES.kafka).withKraft();
  if (store) {
    await claim(store);
    // The cluster id stays the one testcontainers formats every broker with, so a kept log folder is accepted.
    image.withName(store.container).withEnvironment({ KAFKA_LOG_DIRS: KAFKA_DATA }).withBindMounts([{ source: store.volume, target: KAFKA_DATA }]);
  }
  const container = await image.start();
  return running(container, `${container.getHost()}:${container.getMappedPort(9093)}`, store);
}

/**
 * A Postgres container (testcontainers); the value is the URL of `database`. With a `store`,
 * the cluster lives in that named volume (the container is still removed when stopped).
 */
export async function startDockerPostgres(database: string, store?: DockerStore): Promise<DockerService<string>> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql').catch((error: unknown) => {
    throw missingTestcontainers(error);
  });
  const image = new PostgreSqlContainer(DOCKER_IMAGES.postgres).withDatabase(database).withUsername('postgres').withPassword('postgres');
  if (store) {
    await claim(store);
    image.withName(store.container).withBindMounts([{ source: store.volume, target: POSTGRES_DATA }]);
  }
  const container = await image.start();
  return running(container, container.getConnectionUri(), store);
}
