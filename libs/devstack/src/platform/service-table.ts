import { join } from 'node:path';

/** Everything `npm start` runs, in start order. Add a service or its env here and nowhere else. */
export interface ServiceSpec {
  readonly name: string;
  /** Default HTTP port: health, readiness and metrics sit on it. Overridable by `<NAME>_PORT`. */
  readonly port: number;
  /** More ports the service listens on, by env var name, with their defaults (same env var overrides). */
  readonly extraPorts?: Readonly<Record<string, number>>;
  /** Env only this service reads (secrets, tuning), given the shared context. */
  readonly env?: (context: ServiceEnvContext) => Record<string, string>;
  /** What to print once it is ready, given its resolved ports. */
  readonly describe: (ports: ResolvedPorts) => string;
}

export interface ServiceEnvContext {
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  /** Where `npm start` keeps local state (`.gatehouse/`, or `GATEHOUSE_STATE_DIR`). */
  readonly stateDir?: string;
  /** The parent's environment (for overrides). */
  readonly env: NodeJS.ProcessEnv;
}

export interface ResolvedPorts {
  readonly port: number;
  readonly extra: Readonly<Record<string, number>>;
}

const url = (port: number) => `http://127.0.0.1:${port}`;

/**
 * The gateway's V8 young generation: 32 MiB semi-spaces (16 by default) halve its scavenges
 * under load and take most GC pauses out of its p99 (docs/services/gateway.md). Given through
 * NODE_OPTIONS unless that already sets a semi-space size.
 */
export const GATEWAY_NODE_OPTIONS = '--max-semi-space-size=32';

function withGatewayNodeOptions(inherited: string | undefined): string {
  if (inherited?.includes('--max-semi-space-size')) return inherited;
  return inherited ? `${inherited} ${GATEWAY_NODE_OPTIONS}` : GATEWAY_NODE_OPTIONS;
}

export const SERVICES: readonly ServiceSpec[] = [
  { name: 'keys', port: 8082, describe: ({ port }) => `keys        ${url(port)}  (JWKS, key sets)` },
  { name: 'identity', port: 8081, describe: ({ port }) => `identity    ${url(port)}  (tokens, tenants, applications)` },
  { name: 'catalog', port: 8083, describe: ({ port }) => `catalog     ${url(port)}  (APIs, plans, subscriptions)` },
  { name: 'metering', port: 8084, describe: ({ port }) => `metering    ${url(port)}  (usage, quotas)` },
  {
    name: 'gateway',
    port: 8090,
    extraPorts: { GATEWAY_PROXY_PORT: 8080 },
    env: ({ stateDir, env }): Record<string, string> => ({
      NODE_OPTIONS: withGatewayNodeOptions(env.NODE_OPTIONS),
      ...(env.GATEWAY_JOURNAL_DIR || !stateDir ? {} : { GATEWAY_JOURNAL_DIR: join(stateDir, 'gateway-journal') }),
    }),
    describe: ({ port, extra }) => `gateway     ${url(extra.GATEWAY_PROXY_PORT!)}  (data plane), control plane ${url(port)}`,
  },
];

/** The env var that overrides a service's main port: `keys` → `KEYS_PORT`. */
export function portVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PORT`;
}

function parsePort(variable: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${variable} must be a TCP port (1-65535), got ${JSON.stringify(value)}`);
  return port;
}

/** A service's ports after env overrides. */
export function resolvePorts(spec: ServiceSpec, env: NodeJS.ProcessEnv): ResolvedPorts {
  const port = parsePort(portVariable(spec.name), env[portVariable(spec.name)], spec.port);
  const extra = Object.fromEntries(Object.entries(spec.extraPorts ?? {}).map(([name, fallback]) => [name, parsePort(name, env[name], fallback)]));
  return { port, extra };
}

/** The environment a service process gets: the parent's, plus the platform contract. */
export function serviceEnv(spec: ServiceSpec, context: ServiceEnvContext): NodeJS.ProcessEnv {
  const ports = resolvePorts(spec, context.env);
  return {
    ...context.env,
    PORT: String(ports.port),
    DATABASE_URL: context.databaseUrl,
    KAFKA_BROKERS: context.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: context.env.KAFKA_TOPIC_PREFIX ?? '',
    LOG_LEVEL: context.env.LOG_LEVEL || 'info',
    NODE_ENV: context.env.NODE_ENV || 'development',
    ...Object.fromEntries(Object.entries(ports.extra).map(([name, port]) => [name, String(port)])),
    ...spec.env?.(context),
  };
}

/** The compiled entry point of a service, relative to the repository root. */
export function serviceEntry(name: string): string {
  return `dist/services/${name}/src/main.js`;
}
