import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const MIN_JAVA_VERSION = 17;

/** The first executable called `name` on PATH, or undefined. */
export function findOnPath(name: string, path: string = process.env.PATH ?? ''): string | undefined {
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The major version from `java -version` output (`1.8.0_392` is 8, `17.0.15` is 17). */
export function parseJavaMajor(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

export interface JavaCheck {
  readonly path?: string;
  readonly major?: number;
  /** The full `java -version` output (identifies the JVM build). */
  readonly version?: string;
  readonly ok: boolean;
  readonly problem?: string;
}

/** Finds java (JAVA_HOME first, then PATH) and checks that it is 17 or newer. */
export async function checkJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaCheck> {
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : undefined;
  const path = fromHome && isExecutable(fromHome) ? fromHome : findOnPath('java', env.PATH);
  if (!path) return { ok: false, problem: 'java not found (JAVA_HOME or PATH)' };
  const output = await new Promise<string>((resolve) => {
    execFile(path, ['-version'], { timeout: 10_000 }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
  const major = parseJavaMajor(output);
  if (major === undefined) return { path, ok: false, problem: `cannot read the version of ${path}` };
  if (major < MIN_JAVA_VERSION) return { path, major, ok: false, problem: `${path} is Java ${major}, Kafka needs ${MIN_JAVA_VERSION}+` };
  return { path, major, version: output.trim(), ok: true };
}
