import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DOCKER_IMAGES, SERVICES } from '@gatehouse/devstack';

const root = resolve(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const platform = SERVICES.map((spec) => spec.name);
const conventionPorts: Record<string, number[]> = { gateway: [8080, 8090], identity: [8081], keys: [8082], catalog: [8083], metering: [8084] };
const kafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(read('deploy/kafka/pom.xml'))?.[1];

describe('docker-compose.yml', () => {
  it('has Kafka, Postgres, the five services, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['catalog', 'gateway', 'grafana', 'identity', 'kafka', 'keys', 'metering', 'postgres', 'prometheus']);
    expect(platform.sort()).toEqual(['catalog', 'gateway', 'identity', 'keys', 'metering']);
  });

  it('pins every image to an explicit tag, never latest', () => {
    for (const [name, service] of Object.entries(services)) {
      const image = service.image ?? '';
      const tag = /:([^:/]+)$/.exec(image)?.[1];
      expect(tag, `${name}: ${image}`).toBeDefined();
      expect(tag, `${name}: ${image}`).not.toBe('latest');
    }
  });

  it('runs the official Apache Kafka image in KRaft mode at the version the local broker uses', () => {
    const kafka = services.kafka!;
    expect(kafka.image).toBe(`apache/kafka:${kafkaVersion}`);
    const env = kafka.environment!;
    expect(String(env.KAFKA_PROCESS_ROLES)).toBe('broker,controller');
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Object.keys(env).some((key) => key.includes('ZOOKEEPER'))).toBe(false);
  });

  it('builds each service from the one Dockerfile, chosen by the SERVICE build arg', () => {
    for (const name of platform) {
      const build = services[name]!.build!;
      expect(build.dockerfile).toBe('deploy/docker/Dockerfile');
      expect(build.args?.SERVICE).toBe(name);
      expect(services[name]!.image).toMatch(new RegExp(`^gatehouse/${name}:\\d+\\.\\d+\\.\\d+$`));
    }
  });

  it('gives every service the env contract and its conventional ports', () => {
    const kafkaListeners = String(services.kafka!.environment!.KAFKA_ADVERTISED_LISTENERS);
    const postgres = services.postgres!.environment!;
    for (const name of platform) {
      const service = services[name]!;
      const env = service.environment!;
      for (const key of ['PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX', 'LOG_LEVEL', 'NODE_ENV']) expect(env, `${name} ${key}`).toHaveProperty(key);
      expect(kafkaListeners).toContain(`://${env.KAFKA_BROKERS}`);
      const url = new URL(String(env.DATABASE_URL));
      expect([url.hostname, url.username, url.pathname]).toEqual(['postgres', String(postgres.POSTGRES_USER), `/${postgres.POSTGRES_DB}`]);
      const published = service.ports!.map((mapping) => Number(mapping.split(':').at(-1)));
      expect(published.sort()).toEqual(conventionPorts[name]);
      const spec = SERVICES.find((candidate) => candidate.name === name)!;
      expect(Number(env.PORT)).toBe(spec.port);
    }
    expect(services.gateway!.environment!.GATEWAY_PROXY_PORT).toBe('8080');
  });

  it('hands every service the secrets it refuses to start without in production, from .env', () => {
    const required: Record<string, string[]> = {
      keys: ['ADMIN_BOOTSTRAP_TOKEN', 'KEYS_MASTER_KEY', 'KEY_TRANSPORT_SECRET_IDENTITY', 'KEY_TRANSPORT_SECRET_GATEWAY'],
      identity: ['ADMIN_BOOTSTRAP_TOKEN', 'KEY_TRANSPORT_SECRET', 'IDENTITY_SECRET_PEPPER'],
      catalog: ['ADMIN_BOOTSTRAP_TOKEN', 'CATALOG_MASTER_KEY', 'KEY_TRANSPORT_SECRET_GATEWAY'],
      gateway: ['ADMIN_BOOTSTRAP_TOKEN', 'KEY_TRANSPORT_SECRET'],
      metering: ['ADMIN_BOOTSTRAP_TOKEN'],
    };
    for (const [name, variables] of Object.entries(required)) {
      const env = services[name]!.environment!;
      for (const variable of variables) expect(String(env[variable]), `${name} ${variable}`).toMatch(/^\$\{[A-Z_]+:\?run node scripts\/compose-env\.mjs\}$/);
    }
    expect(services.identity!.environment!.KEY_TRANSPORT_SECRET).toBe(services.keys!.environment!.KEY_TRANSPORT_SECRET_IDENTITY);
    expect(services.gateway!.environment!.KEY_TRANSPORT_SECRET).toBe(services.keys!.environment!.KEY_TRANSPORT_SECRET_GATEWAY);
  });

  it('has a health check on every container, /health/ready for the services', () => {
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test, name).toBeDefined();
    expect(read('deploy/docker/healthcheck.js')).toContain('/health/ready');
    for (const name of platform) {
      expect(services[name]!.healthcheck!.test).toEqual(['CMD', 'node', 'healthcheck.js']);
      expect(services[name]!.depends_on).toEqual({ kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    }
  });

  it('provisions Grafana with the Prometheus data source', () => {
    expect(services.grafana!.volumes).toContain('./deploy/grafana/provisioning:/etc/grafana/provisioning:ro');
    const datasources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: Array<{ type: string; url: string }> };
    expect(datasources.datasources).toContainEqual(expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }));
    expect(existsSync(join(root, 'deploy/grafana/provisioning/dashboards/gatehouse.yml'))).toBe(true);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  it('scrapes /metrics of every service on its own port (the gateway on its control plane)', () => {
    expect(services.prometheus!.volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    const config = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((group) => group.targets.map((target) => `${target}${job.metrics_path ?? '/metrics'}`)));
    for (const spec of SERVICES) expect(targets).toContain(`${spec.name}:${spec.port}/metrics`);
  });
});

describe('deploy/docker/Dockerfile', () => {
  const dockerfile = read('deploy/docker/Dockerfile');

  it('builds in one stage and runs the chosen service in another', () => {
    expect(dockerfile).toMatch(/^FROM \S+ AS build$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN node scripts\/build\.mjs$/m);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toContain('dist/services/${SERVICE}/src/main.js');
    expect(dockerfile).toMatch(/^HEALTHCHECK .*healthcheck\.js/m);
  });

  it('pins the base image', () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(base).toMatch(/^node:\d+\.\d+[\w.-]*$/);
  });
});

describe('state written inside the containers', () => {
  const dockerfile = read('deploy/docker/Dockerfile');
  const runtime = dockerfile.slice(dockerfile.search(/^FROM \S+ AS runtime$/m));
  const runtimeUser = /^USER (\S+)$/m.exec(runtime)?.[1];
  const beforeUser = runtime.slice(0, runtime.search(/^USER /m));
  const declaredVolumes = Object.keys((parse(read('docker-compose.yml')) as { volumes: Record<string, unknown> }).volumes);
  const imageEnv = (name: string) => new RegExp(`^(?:ENV|\\s) *${name}=(\\S+)`, 'm').exec(runtime)?.[1];

  it('keeps the gateway usage journal in an absolute folder on a named volume', () => {
    const dir = String(services.gateway!.environment!.GATEWAY_JOURNAL_DIR);
    expect(posix.isAbsolute(dir), dir).toBe(true);
    expect(imageEnv('GATEWAY_JOURNAL_DIR')).toBe(dir);
    const mount = services.gateway!.volumes?.map((volume) => volume.split(':')).find(([, target]) => target === dir);
    expect(mount, `a volume mounted at ${dir}`).toBeDefined();
    expect(declaredVolumes).toContain(mount![0]);
  });

  it('creates the journal folder in the image, owned by the user the service runs as', () => {
    const dir = String(services.gateway!.environment!.GATEWAY_JOURNAL_DIR);
    expect(runtimeUser).toBeDefined();
    expect(runtimeUser).not.toBe('root');
    const runs = beforeUser.split(/^RUN /m).slice(1).join('\n');
    const covers = (path: string) => dir === path || dir.startsWith(`${path}/`);
    const created = [...runs.matchAll(/mkdir -p ((?:\S+ ?)+)/g)].flatMap((match) => match[1]!.split(' ')).some((path) => path === dir);
    expect(created, `mkdir -p ${dir} before USER ${runtimeUser}`).toBe(true);
    const owned = [...runs.matchAll(/chown (-R )?(\S+?)(?::\S+)? (\S+)/g)].some(
      ([, recursive, owner, path]) => owner === runtimeUser && (path === dir || (recursive !== undefined && covers(path!))),
    );
    expect(owned, `chown ${runtimeUser} ${dir} before USER ${runtimeUser}`).toBe(true);
  });

  it('gives every service only absolute paths, never one relative to the root-owned /app', () => {
    for (const name of platform) {
      for (const [key, value] of Object.entries(services[name]!.environment!)) {
        if (/_(DIR|FILE|PATH)$/.test(key)) expect(posix.isAbsolute(String(value)), `${name} ${key}=${value}`).toBe(true);
      }
    }
    for (const [, key, value] of runtime.matchAll(/^(?:ENV|\s) *([A-Z_]+_(?:DIR|FILE|PATH))=(\S+)/gm)) expect(posix.isAbsolute(value!), `${key}=${value}`).toBe(true);
  });
});

describe('the images devstack runs when a Docker engine answers', () => {
  /** Confluent Platform releases and the Apache Kafka line each ships. */
  const apacheLineOfConfluent: Record<string, string> = { '7.8': '3.8', '7.9': '3.9', '8.0': '4.0' };

  it('runs the Kafka version of deploy/kafka/pom.xml and the Postgres image of docker-compose.yml', () => {
    const [repository, tag] = DOCKER_IMAGES.kafka.split(':') as [string, string];
    const line = (version: string) => version.split('.').slice(0, 2).join('.');
    if (repository === 'apache/kafka') expect(tag).toBe(kafkaVersion);
    else {
      expect(repository).toBe('confluentinc/cp-kafka');
      expect(apacheLineOfConfluent[line(tag)], `Apache Kafka line of cp-kafka ${tag}`).toBe(line(kafkaVersion!));
    }
    expect(DOCKER_IMAGES.postgres).toBe(services.postgres!.image);
  });
});
