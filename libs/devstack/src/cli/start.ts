import { parseArgs } from 'node:util';
import { devSecretsPath, ensureAdminToken, readSecretsFile, writeSecretsFile, type DevSecrets } from '../demo/dev-secrets';
import { createDemo, type Demo } from '../demo/demo-step';
import { repoRoot } from '../paths';
import { useColour } from '../platform/log-prefix';
import { SERVICES, resolvePorts } from '../platform/service-table';
import { describeExit, startPlatform, type Platform } from '../platform/start-platform';
import { onShutdownSignal } from './signals';

const write = (line: string) => process.stdout.write(`${line}\n`);
const USAGE = 'usage: npm start [-- --clean] [--no-demo]';

function options(argv: string[]): { clean: boolean; demo: boolean } {
  try {
    const { values } = parseArgs({ args: argv, options: { clean: { type: 'boolean', default: false }, 'no-demo': { type: 'boolean', default: false } }, strict: true });
    return { clean: values.clean, demo: !values['no-demo'] };
  } catch (error) {
    throw new Error(`${(error as Error).message} (${USAGE})`);
  }
}

/** Client secrets saved for demo applications that `--clean` is about to delete. */
async function forgetClients(path: string): Promise<void> {
  const { clients, ...rest } = await readSecretsFile<DevSecrets>(path);
  if (clients) await writeSecretsFile(path, rest);
}

async function main(): Promise<void> {
  const args = options(process.argv.slice(2));
  const root = repoRoot();
  const secretsPath = devSecretsPath(root);
  if (args.clean) await forgetClients(secretsPath);
  const admin = await ensureAdminToken(secretsPath, process.env);
  const identity = SERVICES.find((spec) => spec.name === 'identity')!;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ADMIN_BOOTSTRAP_TOKEN: admin.token,
    TOKEN_ISSUER: process.env.TOKEN_ISSUER || `http://localhost:${resolvePorts(identity, process.env).port}`,
  };
  const demo: Demo | undefined = args.demo ? createDemo({ root, secretsPath, adminToken: admin.token, adminTokenSource: admin.source }) : undefined;

  let platform: Platform | undefined;
  let exitCode: number | undefined;
  const shutdown = async (code: number) => {
    if (exitCode !== undefined) return;
    exitCode = code;
    write('[start] stopping services, then Kafka and Postgres...');
    await demo?.stop();
    await platform?.stop();
    process.exit(code);
  };
  onShutdownSignal(() => void shutdown(0));

  platform = await startPlatform({ root, env, clean: args.clean, write, colour: useColour(process.stdout), afterReady: demo ? [demo.step] : [] });
  if (exitCode !== undefined) return;
  write('');
  write('Gatehouse is running:');
  for (const service of platform.services) write(`  ${service.spec.describe(service.ports)}`);
  write(`  Kafka       ${platform.infra.kafkaBrokers} (${platform.infra.source.kafka})`);
  write(`  Postgres    ${platform.infra.source.postgres}`);
  if (demo) for (const line of demo.report()) write(line);
  else write(`Platform admin token (ADMIN_BOOTSTRAP_TOKEN): ${admin.source === 'env' ? 'from your environment' : `in ${secretsPath}`}; \`npx gatehouse login\` uses it.`);
  write('');
  write('Press Ctrl-C to stop.');
  const { name, info } = await platform.unexpectedExit;
  write(`[start] ${name} exited unexpectedly (${describeExit(info)}); stopping everything.`);
  await shutdown(1);
}

main().catch((error: Error) => {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
});
