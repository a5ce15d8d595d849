import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this module that holds `deploy/kafka/pom.xml`. */
export function repoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'deploy', 'kafka', 'pom.xml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the Gatehouse repository root above ${from} (no deploy/kafka/pom.xml)`);
    dir = parent;
  }
}

/** Where local state lives (`.gatehouse/`, gitignored). */
export function stateDir(root: string = repoRoot()): string {
  return join(root, '.gatehouse');
}
