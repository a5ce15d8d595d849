import { constants } from 'node:os';
import { join } from 'node:path';
import { GuardedProcess, type ExitInfo } from '../process/guarded-process';
import { pipeLines } from './log-prefix';
import { resolvePorts, serviceEntry, serviceEnv, type ResolvedPorts, type ServiceEnvContext, type ServiceSpec } from './service-table';

export interface RunningService {
  readonly spec: ServiceSpec;
  readonly ports: ResolvedPorts;
  readonly process: GuardedProcess;
  readonly readyUrl: string;
}

/** Starts `node dist/services/<name>/src/main.js` with its env; every output line goes to `write` with `label`. */
export function spawnService(spec: ServiceSpec, context: ServiceEnvContext, root: string, label: string, write: (line: string) => void): RunningService {
  const ports = resolvePorts(spec, context.env);
  const child = new GuardedProcess({
    command: process.execPath,
    args: ['--enable-source-maps', join(root, serviceEntry(spec.name))],
    cwd: root,
    env: serviceEnv(spec, context),
    output: 'pipe',
  });
  if (child.child.stdout) pipeLines(child.child.stdout, label, write);
  if (child.child.stderr) pipeLines(child.child.stderr, label, write);
  return { spec, ports, process: child, readyUrl: `http://127.0.0.1:${ports.port}/health/ready` };
}

/** Polls `/health/ready` until it answers 2xx; rejects when the process exits or the deadline passes. */
export async function waitUntilReady(service: RunningService, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (!service.process.running) {
      const info = await service.process.exited;
      throw new Error(`${service.spec.name} exited before it was ready (${describeExit(info)})`);
    }
    try {
      const response = await fetch(service.readyUrl, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`${service.spec.name} was not ready within ${timeoutMs} ms (${service.readyUrl}: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `exit code 1`, or `signal SIGKILL` (the guard reports a signal death as 128 + its number). */
export function describeExit(info: ExitInfo): string {
  if (info.signal) return `signal ${info.signal}`;
  const byNumber = Object.entries(constants.signals).find(([, number]) => info.code !== null && info.code === 128 + number)?.[0];
  return byNumber ? `signal ${byNumber}` : `exit code ${info.code}`;
}
