import { readFileSync } from 'node:fs';
import { DataSource, type EntityManager } from 'typeorm';
import { classifyRecords } from '../src/ingest/record-classifier';
import { UsageCountRepository } from '../src/ingest/usage-count.repository';
import { ledgerColumns, STAGING_TABLE } from '../src/ingest/usage-count.sql';
import type { UsageRecord } from '../src/ingest/usage-record';
import { decodeUsageMessage } from '../src/ingest/usage-record.decoder';
import type { MeteringTestApp, MeteringTestEnv } from '../src/testing/metering-test-env';
import { fixed, table } from './bench-report';

type Step = 'decode' | 'payload' | 'copy' | 'ledger' | 'full' | 'commit';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a local process has used, from /proc; null where unavailable. */
function processCpu(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * Splits the cost of one ingest transaction: node-side decoding and COPY payload, then, each
 * in a transaction that is rolled back (so every variant meets the same rows), the COPY into
 * staging, the ledger insert alone, and the whole statement (ledger + rollups + counters).
 */
export async function profileStatement(env: MeteringTestEnv, app: MeteringTestApp, records: UsageRecord[], repeats = 5): Promise<void> {
  const dataSource = app.service(DataSource);
  const repository = app.service(UsageCountRepository);
  const messages = records.map((record) => Buffer.from(env.encode(record).value as string));
  const timings: Record<Step, number> = { decode: 0, payload: 0, copy: 0, ledger: 0, full: 0, commit: 0 };
  const cpu: Record<Step, number> = { decode: 0, payload: 0, copy: 0, ledger: 0, full: 0, commit: 0 };
  let backend = 0;
  const names = ledgerColumns.map(([name]) => `"${name}"`).join(', ');
  const ledgerOnly = `insert into "${env.schema}"."usage_ledger" (${names}, "ingested_at") select ${names}, $1::timestamptz from ${STAGING_TABLE}
    on conflict ("record_id", "at_day") do nothing returning "record_id"`;
  const inTransaction = async (work: (manager: EntityManager) => Promise<void>, commit = false) => {
    const runner = dataSource.createQueryRunner();
    backend = ((await runner.query('select pg_backend_pid() as pid')) as Array<{ pid: number }>)[0]!.pid;
    await runner.startTransaction();
    try {
      await work(runner.manager);
    } finally {
      if (commit) {
        const started = performance.now();
        await runner.commitTransaction();
        timings.commit += performance.now() - started;
      } else await runner.rollbackTransaction();
      await runner.release();
    }
  };
  const time = async (step: Step, work: () => Promise<unknown>) => {
    const started = performance.now();
    const cpuBefore = processCpu(backend);
    await work();
    timings[step] += performance.now() - started;
    const cpuAfter = processCpu(backend);
    cpu[step] += cpuBefore === null || cpuAfter === null ? Number.NaN : (cpuAfter - cpuBefore) * 1000;
  };
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    let started = performance.now();
    let nodeCpu = process.cpuUsage();
    const now = Date.now();
    const decoded = messages.map((value) => decodeUsageMessage(value));
    const valid = decoded.flatMap((entry) => (entry.ok ? entry.records.map((record) => ({ item: null, record })) : []));
    const counted = classifyRecords(valid, now, { maxLatenessMs: 3_600_000, ledgerRetentionDays: 35 }).counted;
    timings.decode += performance.now() - started;
    cpu.decode += (process.cpuUsage(nodeCpu).user + process.cpuUsage(nodeCpu).system) / 1000;
    started = performance.now();
    nodeCpu = process.cpuUsage();
    const payload = UsageCountRepository.payload(counted);
    timings.payload += performance.now() - started;
    cpu.payload += (process.cpuUsage(nodeCpu).user + process.cpuUsage(nodeCpu).system) / 1000;
    const at = new Date(now).toISOString();
    await inTransaction((manager) => time('copy', () => repository.stage(manager, payload)));
    await inTransaction(async (manager) => {
      await repository.stage(manager, payload);
      await time('ledger', () => manager.query(ledgerOnly, [at]));
    });
    await inTransaction(async (manager) => {
      await repository.stage(manager, payload);
      await time('full', () => manager.query(repository.statement, [at]));
    }, repeat === repeats - 1);
  }
  const row = (label: string, step: Step | 'rollups', runs = repeats) => {
    const wall = step === 'rollups' ? timings.full - timings.ledger : timings[step];
    const used = step === 'rollups' ? cpu.full - cpu.ledger : cpu[step];
    return [label, fixed(wall / runs), fixed((wall * 1000) / runs / records.length, 1), Number.isNaN(used) ? 'n/a' : fixed((used * 1000) / runs / records.length, 1)];
  };
  console.log(`\none transaction of ${records.length} new records, taken apart (mean of ${repeats}, each variant rolled back; CPU from /proc, 10 ms ticks):`);
  console.log(
    table([
      ['step', 'wall ms', 'wall µs/record', 'CPU µs/record'],
      row('node: JSON.parse + schema validation + classify', 'decode'),
      row('node: COPY payload', 'payload'),
      row('postgres: COPY into the staging table', 'copy'),
      row('postgres: ledger insert with dedupe', 'ledger'),
      row('postgres: rollups + quota counters (statement - ledger)', 'rollups'),
      row('postgres: whole statement', 'full'),
      row('postgres: commit', 'commit', 1),
    ]),
  );
}
