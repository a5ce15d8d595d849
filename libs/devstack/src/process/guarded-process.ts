import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A POSIX sh wrapper that ties the real process to its parent. The parent holds the write end
 * of the wrapper's stdin: when the parent dies for any reason (even SIGKILL) the pipe reaches
 * EOF and the watcher terminates the process, so no JVM or service is left orphaned. SIGTERM
 * to the wrapper is forwarded (as the stop signal), and the wrapper exits with the process's
 * own status. The watcher kills the process if it has not stopped 20 s after the parent died.
 */
function guardScript(stopSignal: StopSignal): string {
  return [
    'child=',
    `trap 'stopping=1; [ -n "$child" ] && kill -${stopSignal} "$child" 2>/dev/null' TERM INT HUP`,
    'exec 3<&0 </dev/null',
    // Asked to stop before it started: do not start it.
    '[ -n "$stopping" ] && exit 143',
    '"$@" 3<&- &',
    'child=$!',
    `[ -n "$stopping" ] && kill -${stopSignal} "$child" 2>/dev/null`,
    // The shell's own job notices ("Terminated") are not the process's output.
    'exec 2>/dev/null',
    `( read -r _ <&3; kill -${stopSignal} "$child"; n=0`,
    '  while kill -0 "$child" && [ "$n" -lt 100 ]; do sleep 0.2 || sleep 1; n=$((n + 1)); done',
    '  kill -KILL "$child" ) >/dev/null 2>&1 &',
    'watcher=$!',
    'exec 3<&-',
    'while :; do',
    '  wait "$child"; code=$?',
    '  kill -0 "$child" 2>/dev/null || break',
    'done',
    'kill -KILL "$watcher"; wait "$watcher"',
    'exit "$code"',
  ].join('\n');
}

/** The signal that asks the process to stop (Postgres shuts down fast on INT, waits for sessions on TERM). */
export type StopSignal = 'TERM' | 'INT';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface GuardedProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** `pipe` to read the output, or an open file descriptor (a log file). */
  readonly output: 'pipe' | number;
  readonly uid?: number;
  readonly gid?: number;
  /** Sent to the process on stop; TERM unless given. */
  readonly stopSignal?: StopSignal;
}

/** A child process that cannot outlive its parent. */
export class GuardedProcess {
  readonly child: ChildProcess;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;

  constructor(options: GuardedProcessOptions) {
    const output = options.output === 'pipe' ? 'pipe' : options.output;
    this.child = spawn('/bin/sh', ['-c', guardScript(options.stopSignal ?? 'TERM'), 'guard', options.command, ...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', output, output],
      detached: true,
      uid: options.uid,
      gid: options.gid,
    });
    this.exited = new Promise((resolve) => {
      const done = (info: ExitInfo) => {
        if (this.exitInfo) return;
        this.exitInfo = info;
        this.child.stdin?.destroy();
        resolve(info);
      };
      this.child.once('exit', (code, signal) => done({ code, signal }));
      this.child.once('error', () => done({ code: null, signal: null }));
    });
    // A write to a closed stdin must not crash the parent.
    this.child.stdin?.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while any process of the wrapper's group (wrapper, process, watcher) still exists. */
  get groupAlive(): boolean {
    const pid = this.child.pid;
    if (pid === undefined) return false;
    try {
      process.kill(-pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  get running(): boolean {
    return this.exitInfo === undefined && this.child.pid !== undefined;
  }

  /** SIGTERM, then SIGKILL to the whole process group after `graceMs`; resolves once it is gone. */
  async stop(graceMs = 10_000): Promise<ExitInfo> {
    if (!this.running) return this.exited;
    this.signal('SIGTERM', false);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const first = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (first === 'timeout') this.signal('SIGKILL', true);
    return this.exited;
  }

  private signal(signal: NodeJS.Signals, group: boolean): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(group ? -pid : pid, signal);
    } catch {
      // already gone
    }
  }
}

/** True while a process with this pid exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
