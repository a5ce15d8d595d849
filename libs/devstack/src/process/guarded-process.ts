import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A POSIX sh wrapper that ties the real process to its parent. The parent holds the write end
 * of the wrapper's stdin: when the parent dies for any reason (even SIGKILL) the pipe reaches
 * EOF and the watcher terminates the process, so no JVM or service is left orphaned. SIGTERM
 * to the wrapper is forwarded, and the wrapper exits with the process's own status.
 */
const GUARD_SCRIPT = [
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'child=$!',
  `trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP`,
  '( read -r _ <&3; kill -TERM "$child"; sleep 20; kill -KILL "$child" ) >/dev/null 2>&1 &',
  'watcher=$!',
  'exec 3<&-',
  'while :; do',
  '  wait "$child"; code=$?',
  '  kill -0 "$child" 2>/dev/null || break',
  'done',
  'kill "$watcher" 2>/dev/null',
  'exit "$code"',
].join('\n');

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
}

/** A child process that cannot outlive its parent. */
export class GuardedProcess {
  readonly child: ChildProcess;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;

  constructor(options: GuardedProcessOptions) {
    const output = options.output === 'pipe' ? 'pipe' : options.output;
    this.child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'guard', options.command, ...options.args], {
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
