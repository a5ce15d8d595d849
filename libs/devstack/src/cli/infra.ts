import { startInfra } from '../infra';
import { onShutdownSignal } from './signals';

/** Brings up Kafka and Postgres as `npm start` would, prints their env lines, stops on Ctrl-C. */
async function main(): Promise<void> {
  const clean = process.argv.slice(2).includes('--clean');
  const infra = await startInfra({ mode: 'dev', clean, log: (line) => process.stderr.write(`[infra] ${line}\n`) });
  onShutdownSignal(() => {
    process.stderr.write('[infra] stopping...\n');
    void infra.stop().then(() => process.exit(0));
  });
  process.stdout.write(`KAFKA_BROKERS=${infra.kafkaBrokers}\nDATABASE_URL=${infra.databaseUrl}\n`);
  process.stderr.write('[infra] running; press Ctrl-C to stop.\n');
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
