import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processExists } from './process/guarded-process';

const OWNER_FILE = 'owner.pid';

/**
 * A fresh temporary folder `<tmp>/<prefix>XXXXXX` that records the pid of its owner. Folders
 * of the same prefix whose owner died without cleaning up are removed first.
 */
export async function ownedTempDir(prefix: string): Promise<string> {
  await removeAbandoned(prefix);
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

async function removeAbandoned(prefix: string): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.startsWith(prefix))) {
    const dir = join(tmpdir(), name);
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''));
    if (Number.isInteger(owner) && owner > 0 && !processExists(owner)) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
