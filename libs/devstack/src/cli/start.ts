import { useColour } from '../platform/log-prefix';
import { describeExit, startPlatform, type Platform } from '../platform/start-platform';
import { onShutdownSignal } from './signals';

const write = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--clean');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')} (usage: npm start [-- --clean])`);

  let platform: Platform | undefined;
  let exitCode: number | undefined;
  const shutdown = async (code: number) => {
    if (exitCode !== undefined) return;
    exitCode = code;
    write('[start] stopping services, then Kafka and Postgres...');
    await platform?.stop();
    process.exit(code);
  };
  onShutdownSignal(() => void shutdown(0));

  platform = await startPlatform({ clean: args.includes('--clean'), write, colour: useColour(process.stdout) });
  if (exitCode !== undefined) return;
  write('');
  write('Gatehouse is running:');
  for (const service of platform.services) write(`  ${service.spec.describe(service.ports)}`);
  write(`  Kafka       ${platform.infra.kafkaBrokers} (${platform.infra.source.kafka})`);
  write(`  Postgres    ${platform.infra.source.postgres}`);
  write('Press Ctrl-C to stop.');
  const { name, info } = await platform.unexpectedExit;
  write(`[start] ${name} exited unexpectedly (${describeExit(info)}); stopping everything.`);
  await shutdown(1);
}

main().catch((error: Error) => {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
});
