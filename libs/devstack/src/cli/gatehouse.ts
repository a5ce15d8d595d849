#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ServiceError } from '../demo/admin-client';
import { URL_VARIABLES } from '../demo/platform-urls';
import { apiCommands } from './gatehouse/api-commands';
import { callCommands } from './gatehouse/call-commands';
import { CliContext, type CliIo, UsageError } from './gatehouse/cli-context';
import type { Command, OptionValues } from './gatehouse/command';
import { setupCommands } from './gatehouse/setup-commands';

const COMMANDS: readonly Command[] = [...setupCommands, ...apiCommands, ...callCommands];

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'gatehouse: the Gatehouse admin CLI',
    '',
    'usage: npx gatehouse <command> [flags]     (npx gatehouse <command> --help for its flags)',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Ids and tokens go to stdout (one value, ready for VAR=$(npx gatehouse ...)); messages to stderr.',
    'Services, by default on the local standard ports:',
    ...Object.values(URL_VARIABLES).map(({ variable, fallback }) => `  ${variable.padEnd(26)} ${fallback}`),
    'GATEHOUSE_HOME (default ~/.gatehouse) holds the session and the client secrets of applications the CLI created.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [`usage: npx gatehouse ${command.name} ${command.usage}`.trimEnd(), '', command.summary, ...(command.prints ? [`Prints ${command.prints}.`] : [])].join('\n');
}

/** The command named by the first one or two words. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function runGatehouse(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.info(help());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.info(`gatehouse: unknown command ${JSON.stringify(argv.slice(0, 2).join(' '))}\n\n${help()}`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.info(commandHelp(command));
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: (command.positionals?.length ?? 0) > 0, strict: true });
    await command.run(new CliContext(env, io), values as OptionValues, positionals);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.info(`gatehouse ${command.name}: ${(error as Error).message}\n${commandHelp(command).split('\n')[0]}`);
      return 2;
    }
    io.info(`gatehouse ${command.name}: ${error instanceof ServiceError ? error.message : (error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  const io: CliIo = { out: (text) => process.stdout.write(`${text}\n`), info: (text) => process.stderr.write(`${text}\n`) };
  void runGatehouse(process.argv.slice(2), process.env, io).then((code) => {
    process.exitCode = code;
  });
}
