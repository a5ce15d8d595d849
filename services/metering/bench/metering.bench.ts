import 'reflect-metadata';
import { MeteringTestEnv } from '../src/testing/metering-test-env';
import { ingestBenchmark } from './ingest.bench';
import { queryBenchmark } from './query.bench';

/**
 * `node dist/services/metering/bench/metering.bench.js` after `node scripts/build.mjs`.
 * Needs KAFKA_BROKERS and DATABASE_URL (defaults: 127.0.0.1:29092, postgres://postgres@127.0.0.1:5432/postgres).
 * BENCH_RECORDS (default 500000) usage records go through Kafka; BENCH_LEDGER_ROWS (default
 * 10000000) ledger rows are generated with SQL for the query benchmark; BENCH_QUERY_RUNS
 * (default 20); BENCH_PARTITIONS_CONCURRENCY and BENCH_FETCH_BYTES override the service
 * defaults; BENCH_ONLY=ingest|query; BENCH_KEEP=1 keeps the schema and topics.
 */
async function main(): Promise<void> {
  const records = Number(process.env.BENCH_RECORDS ?? 500_000);
  const ledgerRows = Number(process.env.BENCH_LEDGER_ROWS ?? 10_000_000);
  const runs = Number(process.env.BENCH_QUERY_RUNS ?? 20);
  const only = process.env.BENCH_ONLY;
  const env = new MeteringTestEnv('bench', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    METERING_CONSUMER_SESSION_TIMEOUT_MS: '30000',
    ...(process.env.BENCH_PARTITIONS_CONCURRENCY ? { METERING_PARTITIONS_CONCURRENCY: process.env.BENCH_PARTITIONS_CONCURRENCY } : {}),
    ...(process.env.BENCH_FETCH_BYTES ? { METERING_FETCH_MAX_BYTES_PER_PARTITION: process.env.BENCH_FETCH_BYTES } : {}),
  });
  // The query benchmark has a schema of its own: its generated rollups must not meet the ingested ones.
  const queryEnv = new MeteringTestEnv('bench_query', { NODE_ENV: 'production', LOG_LEVEL: 'warn' });
  console.log(`metering benchmark: schemas ${env.schema} and ${queryEnv.schema}, topic prefixes ${env.prefix} and ${queryEnv.prefix}`);
  try {
    if (only !== 'query') await ingestBenchmark(env, records);
    if (only !== 'ingest') {
      const app = await queryEnv.start();
      await queryBenchmark(queryEnv, app, ledgerRows, runs);
    }
  } finally {
    if (process.env.BENCH_KEEP !== '1') {
      await env.cleanup();
      await queryEnv.cleanup();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
