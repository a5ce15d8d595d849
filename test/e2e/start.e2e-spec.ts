import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { dropDatabase, freePorts, isolatedTestEnv, localServerUrl, portVariable, SERVICES } from '@gatehouse/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/platform';

const root = resolve(__dirname, '../..');
const START = join(root, 'dist/libs/devstack/src/cli/start.js');
const READY = 'Press Ctrl-C to stop.';

interface Start {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<number | null>;
}

function spawnStart(args: string[], env: NodeJS.ProcessEnv): Start {
  const child = spawn(process.execPath, [START, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n'));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, output, exited };
}

async function untilReady(start: Start): Promise<string> {
  const outcome = await Promise.race([
    eventually(async () => (start.output.includes(READY) ? start.output.join('\n') : undefined), 'npm start printing its summary', 170_000, 250),
    start.exited.then((code) => {
      throw new Error(`npm start exited with ${code} before it was ready:\n${start.output.slice(-80).join('\n')}`);
    }),
  ]);
  console.log(`npm start was ready in ${outcome.ms} ms`);
  return outcome.value;
}

/** Every process below `pid`, from the process table. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Still running: exists and is not a zombie waiting for a parent that does not reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return existsSync('/proc') ? false : true;
  }
}

/** Stops `npm start` as Ctrl-C does; resolves with its exit code and the processes it had started. */
async function interrupt(start: Start): Promise<{ code: number | null; children: number[] }> {
  const children = descendants(start.child.pid!);
  start.child.kill('SIGINT');
  return { code: await start.exited, children };
}

/** The ids `npm start` printed for the demo. */
function demoIds(summary: string): { application: string; echoApi: string; aiApi: string } {
  const id = (label: string) => {
    const match = new RegExp(`^  ${label}\\s+(\\S+)`, 'm').exec(summary);
    if (!match) throw new Error(`no "${label}" line in:\n${summary}`);
    return match[1]!;
  };
  return { application: id('application'), echoApi: id('Echo API'), aiApi: id('Demo AI API') };
}

/** The printed curl commands, each run verbatim by bash with the HTTP status appended. */
async function runCurls(summary: string): Promise<Array<{ curl: string; status: number; body: string }>> {
  const curls = summary.split('\n').filter((line) => line.startsWith('  curl ')).map((line) => line.trim());
  return Promise.all(
    curls.map(async (curl) => {
      const { stdout } = await promisify(execFile)('bash', ['-c', `${curl} -w '\\n%{http_code}'`], { timeout: 30_000 });
      const lines = stdout.trimEnd().split('\n');
      return { curl, status: Number(lines.pop()), body: lines.join('\n') };
    }),
  );
}

describe('npm start', () => {
  let stateDir: string;
  let database: string;
  let env: NodeJS.ProcessEnv;
  let running: Start | undefined;
  let postgresSource = '';

  beforeAll(async () => {
    const isolated = isolatedTestEnv('start');
    database = isolated.schema;
    stateDir = await mkdtemp(join(tmpdir(), 'gatehouse-start-'));
    const portVariables = SERVICES.flatMap((spec) => [portVariable(spec.name), ...Object.keys(spec.extraPorts ?? {})]);
    const ports = await freePorts(portVariables.length);
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_') && !['DATABASE_URL', 'ADMIN_BOOTSTRAP_TOKEN', 'TOKEN_ISSUER', 'GATEWAY_JOURNAL_DIR'].includes(name)),
    );
    env = {
      ...inherited,
      // Postgres is npm start's own (so that --clean can empty it), in a database of this file's own.
      GATEHOUSE_STATE_DIR: stateDir,
      GATEHOUSE_DEV_DATABASE: database,
      KAFKA_BROKERS: isolated.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: isolated.topicPrefix,
      ...Object.fromEntries(portVariables.map((name, index) => [name, String(ports[index])])),
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGINT');
      await running.exited;
    }
    if (postgresSource === 'local-server') await dropDatabase(localServerUrl(env), database).catch(() => undefined);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('prints curl commands that answer 200, stops cleanly on Ctrl-C, keeps the demo on a second start and starts fresh with --clean', async () => {
    running = spawnStart([], env);
    const first = await untilReady(running);
    postgresSource = /^ {2}Postgres\s+(\S+)/m.exec(first)?.[1] ?? '';
    console.log(`postgres: ${postgresSource}`);
    const calls = await runCurls(first);
    expect(calls.map((call) => call.curl)).toEqual([expect.stringContaining('/demo/echo/hello'), expect.stringContaining('/demo/ai/v1/chat/completions')]);
    for (const call of calls) expect(call.status, `${call.curl}\n${call.body}`).toBe(200);
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ upstream: 'gatehouse-echo', method: 'GET', path: '/hello' });
    expect(JSON.parse(calls[1]!.body)).toMatchObject({ choices: [expect.objectContaining({ message: expect.objectContaining({ role: 'assistant' }) })], usage: expect.objectContaining({ total_tokens: expect.any(Number) }) });
    const ids = demoIds(first);

    const stopped = await interrupt(running);
    expect(stopped.code, running.output.slice(-30).join('\n')).toBe(0);
    expect(stopped.children.length).toBeGreaterThanOrEqual(5);
    const gone = await eventually(
      async () => (stopped.children.some(alive) ? undefined : true),
      `the ${stopped.children.length} processes npm start had started to end`,
      30_000,
      100,
    );
    console.log(`every process npm start had started was gone ${gone.ms} ms after it exited`);
    expect(stopped.children.filter(alive)).toEqual([]);

    running = spawnStart([], env);
    const second = await untilReady(running);
    expect(demoIds(second)).toEqual(ids);
    expect((await runCurls(second)).map((call) => call.status)).toEqual([200, 200]);
    expect((await interrupt(running)).code).toBe(0);

    // The run's broker is shared and cannot be wiped as --clean wipes npm start's own: a new
    // topic prefix stands for the emptied broker; Postgres is emptied by --clean itself.
    env = { ...env, KAFKA_TOPIC_PREFIX: isolatedTestEnv('start-clean').topicPrefix };
    running = spawnStart(['--clean'], env);
    const fresh = demoIds(await untilReady(running));
    expect(fresh.application).not.toBe(ids.application);
    expect(fresh.echoApi).not.toBe(ids.echoApi);
    expect(fresh.aiApi).not.toBe(ids.aiApi);
    expect((await interrupt(running)).code).toBe(0);
  }, 600_000);
});
