import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { loadavg } from 'node:os';
import { RssSampler } from './rss-sampler';

export interface HarnessRun {
  readonly script: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly seconds: number;
  /** 1-minute load average before and after the run: how busy the shared machine was. */
  readonly load: readonly [number, number];
  readonly sampler: RssSampler;
  /** Why the run is unusable, or null. */
  readonly problem: string | null;
}

export interface HarnessOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly timeoutMs: number;
  readonly args?: readonly string[];
  readonly log: (line: string) => void;
}

/**
 * Runs one compiled benchmark harness as a child process with memory sampling of its whole
 * process tree, keeping its stdout (the harness's report) and writing both streams to a log.
 */
export function runHarness(script: string, options: HarnessOptions): Promise<HarnessRun> {
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  const log = createWriteStream(options.logFile);
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = new RssSampler(child.pid!).start();
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    log.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString().split('\n')) if (line.trim()) options.log(`  ${line.trim().slice(0, 200)}`);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  }, options.timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      sampler.stop();
      log.end();
      const problem = timedOut ? `timed out after ${options.timeoutMs / 1000} s` : code === 0 ? null : `exited with code ${code} (see ${options.logFile})`;
      resolve({ script, exitCode: code, stdout, seconds: (Date.now() - started) / 1000, load: [loadBefore, loadavg()[0]!], sampler, problem });
    });
  });
}
