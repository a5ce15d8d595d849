import 'reflect-metadata';
import { baseConfigSchema, loadConfig, port } from '@gatehouse/config';
import { createLogger } from '@gatehouse/observability';
import { createServiceApp } from '@gatehouse/platform';
import { AppModule, type MeteringConfig } from '../app.module';
import { UsageIngestService } from '../ingest/usage-ingest.service';
import { meteringConfigSchema } from '../metering.config';

/**
 * A metering instance that kills itself with SIGKILL right after the first ingest transaction
 * that brings its count to CRASH_AFTER_RECORDS committed, before the offsets of that
 * transaction are committed: the worst moment for exactly-once counting.
 */
async function main(): Promise<void> {
  const crashAfter = Number(process.env.CRASH_AFTER_RECORDS ?? '500');
  const config = loadConfig({ ...baseConfigSchema, PORT: port(0), ...meteringConfigSchema }) as MeteringConfig;
  const logger = createLogger({ service: 'metering', level: 'warn' });
  const app = await createServiceApp({ module: AppModule.forRoot({ config, logger }), logger, title: 'metering', description: 'crash worker' });
  const service = app.get(UsageIngestService, { strict: false });
  const write = service.write.bind(service);
  let counted = 0;
  service.write = async (...args: Parameters<UsageIngestService['write']>) => {
    const outcome = await write(...args);
    counted += outcome.counted;
    process.stdout.write(`transaction committed, ${counted} counted so far\n`);
    if (counted >= crashAfter) process.kill(process.pid, 'SIGKILL');
    return outcome;
  };
  await app.listen(0, '127.0.0.1');
}

main().catch((error: unknown) => {
  process.stderr.write(`crash worker failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
