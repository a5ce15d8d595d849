import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly nginx: string | null;
  readonly haproxy: string | null;
  readonly loadAverageAtStart: number;
}

/** The version a command prints (nginx prints to stderr), or null when it is not installed. */
function version(command: string, pattern: RegExp): string | null {
  const result = spawnSync(command, ['-v'], { encoding: 'utf8' });
  if (result.error) return null;
  return pattern.exec(`${result.stdout}${result.stderr}`)?.[1] ?? null;
}

/** What the benchmarks ran on, for the report. */
export function describeMachine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1];
    const mhz = /^cpu MHz\s*:\s*([\d.]+)$/m.exec(info)?.[1];
    if (model) cpu = `${model.trim()}${mhz ? ` @ ${(Number(mhz) / 1000).toFixed(2)} GHz` : ''}`;
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    nginx: version('nginx', /nginx\/(\S+)/),
    haproxy: version('haproxy', /HA-?Proxy version (\S+)/i),
    loadAverageAtStart: loadavg()[0]!,
  };
}
