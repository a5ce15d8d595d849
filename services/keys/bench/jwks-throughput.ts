import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { baseConfigSchema, loadConfig, port } from '@gatehouse/config';
import { createLogger } from '@gatehouse/observability';
import { dropSchema } from '@gatehouse/persistence';
import { createServiceApp } from '@gatehouse/platform';
import { AppModule } from '../src/app.module';
import { type KeysConfig, keysConfigSchema } from '../src/keys.config';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}

/** autocannon in its own process, so that load generation does not share the service's event loop. */
function autocannon(url: string): Promise<AutocannonResult> {
  const cli = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, '--json', '-c', '50', '-d', '5', url], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as AutocannonResult);
    });
  });
}

/**
 * JWKS requests per second against the running keys service (real Postgres and Kafka from
 * DATABASE_URL / KAFKA_BROKERS), 5 s of autocannon (separate process) with 50 connections.
 * Run: node scripts/build.mjs && node dist/services/keys/bench/jwks-throughput.js
 */
async function main(): Promise<void> {
  const schema = `keys_bench_${randomBytes(4).toString('hex')}`;
  const config = loadConfig(
    { ...baseConfigSchema, PORT: port(0), ...keysConfigSchema },
    { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_SCHEMA: schema, KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX ?? 'bench.'}${schema}.` },
  ) as KeysConfig;
  const logger = createLogger({ service: 'keys', level: 'warn' });
  const app = await createServiceApp({ module: AppModule.forRoot({ config, logger }), logger, title: 'keys', description: 'bench' });
  await app.listen(0, '127.0.0.1');
  const { port: listening } = app.getHttpServer().address() as { port: number };
  try {
    for (const path of ['/health/live', '/.well-known/jwks.json', '/tenants/acme/.well-known/jwks.json']) {
      const url = `http://127.0.0.1:${listening}${path}`;
      const result = await autocannon(url);
      console.log(
        `${path}: ${Math.round(result.requests.average)} req/s (total ${result.requests.total}), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
      );
    }
  } finally {
    await app.close();
    await dropSchema(config.DATABASE_URL, schema);
  }
}

void main();
