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

/** Where local state lives: `GATEHOUSE_STATE_DIR` when set, else `.gatehouse/` of the repository (gitignored). */
export function stateDir(root: string = repoRoot(), env: NodeJS.ProcessEnv = process.env): string {
  const override = env.GATEHOUSE_STATE_DIR?.trim();
  return override ? resolve(override) : join(root, '.gatehouse');
}
