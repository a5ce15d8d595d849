import { describe, expect, it } from 'vitest';
import { runGatehouse } from './gatehouse';

async function run(...argv: string[]) {
  const out: string[] = [];
  const info: string[] = [];
  const code = await runGatehouse(argv, { GATEHOUSE_HOME: '/nonexistent-gatehouse-home' }, { out: (text) => out.push(text), info: (text) => info.push(text) });
  return { code, out: out.join('\n'), info: info.join('\n') };
}

describe('the gatehouse CLI', () => {
  it('lists its commands and the service variables', async () => {
    const { code, info, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toBe('');
    for (const command of ['login', 'api create', 'api publish', 'app create', 'subscribe', 'approve', 'token', 'usage']) expect(info).toContain(`  ${command} `);
    expect(info).toContain('GATEHOUSE_IDENTITY');
  });

  it('answers an unknown command or flag with exit code 2 and the usage', async () => {
    expect((await run('frobnicate')).code).toBe(2);
    const flag = await run('api', 'create', '--bogus');
    expect(flag.code).toBe(2);
    expect(flag.info).toContain("Unknown option '--bogus'");
    expect(flag.info).toContain('usage: npx gatehouse api create --team TEAM_ID --openapi FILE --upstream URL');
  });

  it('refuses bad flag values before calling any service', async () => {
    const rate = await run('plan', 'create', '--api', 'a', '--name', 'n', '--rate', '10/hour');
    expect(rate).toMatchObject({ code: 2, out: '' });
    expect(rate.info).toContain('--rate 10/hour');
    expect((await run('tenant', 'create')).info).toContain('--id is required');
    expect((await run('usage')).info).toContain('give --api or --app');
    expect((await run('approve')).info).toContain('give one subscription id');
  });

  it('shows the help of one command', async () => {
    const { code, info } = await run('token', '--help');
    expect(code).toBe(0);
    expect(info).toContain('usage: npx gatehouse token --app APP_ID');
    expect(info).toContain('Prints the access token.');
  });
});
