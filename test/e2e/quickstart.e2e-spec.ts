import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEchoUpstream, type EchoAnswer, type EchoUpstream } from '@gatehouse/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform';

const root = resolve(__dirname, '../..');
const START = '<!-- quickstart:start -->';
const END = '<!-- quickstart:end -->';
const MARK = '::quickstart-block::';

/** The fenced `bash` blocks between the quickstart markers of the README, in order. */
function quickstartBlocks(readme: string): string[] {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  const section = readme.slice(start, end);
  return [...section.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runBash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

describe('the README quickstart', () => {
  let platform: TestPlatform;
  let upstream: EchoUpstream;
  let home: string;

  beforeAll(async () => {
    [platform, upstream, home] = await Promise.all([startTestPlatform('quickstart'), startEchoUpstream({ port: 0 }), mkdtemp(join(tmpdir(), 'gatehouse-cli-'))]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([platform?.stop(), upstream?.close(), home ? rm(home, { recursive: true, force: true }) : undefined]);
  });

  it('runs verbatim, from nothing to an API that answers through the gateway with a token and is metered', async () => {
    const blocks = quickstartBlocks(await readFile(join(root, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_') && name !== 'UPSTREAM'));
    const env = {
      ...inherited,
      GATEHOUSE_IDENTITY: platform.urls.identity,
      GATEHOUSE_CATALOG: platform.urls.catalog,
      GATEHOUSE_METERING: platform.urls.metering,
      GATEHOUSE_GATEWAY: platform.urls.gateway,
      GATEHOUSE_GATEWAY_CONTROL: platform.urls.gatewayControl,
      GATEHOUSE_ADMIN_TOKEN: platform.adminToken,
      GATEHOUSE_HOME: home,
      UPSTREAM: upstream.url,
      // npx must find the repository's own bin, never fetch a package of that name.
      npm_config_offline: 'true',
    };
    const script = blocks.map((block) => `echo '${MARK}'\n${block}`).join('\n');
    const run = await runBash(script, env, 180_000);
    const transcript = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}\n--- platform\n${platform.output.slice(-30).join('\n')}`;
    expect(run.code, transcript).toBe(0);

    const outputs = run.stdout.split(`${MARK}\n`).slice(1);
    expect(outputs).toHaveLength(blocks.length);
    const callIndex = blocks.findIndex((block) => block.includes('Authorization: Bearer'));
    expect(callIndex, 'a block calls the gateway with a token').toBeGreaterThanOrEqual(0);
    const callOutput = outputs[callIndex]!;
    expect(callOutput).toContain('without a token: 401');
    const answer = JSON.parse(callOutput.slice(callOutput.indexOf('{'))) as EchoAnswer;
    expect(answer).toMatchObject({ upstream: 'gatehouse-echo', method: 'GET', path: '/hello', query: { name: 'gatehouse' } });
    expect(answer.headers).toMatchObject({ 'x-gatehouse-tenant': 'acme', 'x-gatehouse-auth-method': 'bearer' });
    expect(answer.headers.authorization, 'the credential stays at the gateway').toBeUndefined();
    const application = answer.headers['x-gatehouse-application-id'] as string;
    expect(application).toMatch(/\S/);

    const usage = outputs[blocks.length - 1]!;
    expect(usage).toMatch(/^application\s+requests/m);
    expect(usage).toMatch(new RegExp(`^${application}\\s+1\\s+0\\s+0\\s`, 'm'));
    expect(usage).toMatch(/^\(anonymous\)\s+1\s+0\s+1\s/m);
  }, 240_000);
});
