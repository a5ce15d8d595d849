import { describe, expect, it } from 'vitest';
import { GuardedProcess } from './guarded-process';

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `script` under the guard and resolves once it printed `up` (it is really running). */
async function startScript(script: string): Promise<GuardedProcess> {
  const guarded = new GuardedProcess({ command: '/bin/sh', args: ['-c', script], output: 'pipe' });
  let output = '';
  guarded.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until('the process to start', () => output.includes('up'));
  return guarded;
}

describe('GuardedProcess', () => {
  it('exits with the status of the process it runs', async () => {
    const guarded = new GuardedProcess({ command: '/bin/sh', args: ['-c', 'exit 3'], output: 'pipe' });
    expect(await guarded.exited).toEqual({ code: 3, signal: null });
  });

  it('forwards SIGTERM on stop and leaves nothing of its process group', async () => {
    const guarded = await startScript('echo up; exec sleep 30');
    const info = await guarded.stop(20_000);
    expect(info).toEqual({ code: 143, signal: null });
    await until('the group to be gone', () => !guarded.groupAlive);
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const guarded = await startScript(`trap '' TERM; echo up; sleep 30`);
    const info = await guarded.stop(300);
    expect(info.signal).toBe('SIGKILL');
    await until('the group to be gone', () => !guarded.groupAlive);
  });

  it('terminates the process when its parent goes away (its stdin pipe closes)', async () => {
    const guarded = await startScript('echo up; exec sleep 30');
    guarded.child.stdin!.end();
    expect(await guarded.exited).toEqual({ code: 143, signal: null });
    await until('the group to be gone', () => !guarded.groupAlive);
  });
});
