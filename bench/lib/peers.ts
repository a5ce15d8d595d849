import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Peers {
  /** bench/peers, or null when its packages are not installed. */
  readonly dir: string | null;
  /** Name → installed version of each peer package. */
  readonly versions: Readonly<Record<string, string>>;
  readonly note: string;
}

function installedVersions(dir: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const versions: Record<string, string> = {};
  for (const name of Object.keys(manifest.dependencies)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) versions[name] = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return versions;
}

/**
 * The peer packages (bench/peers, pinned by its lockfile). Installed with `npm ci` on first use;
 * when that fails the benchmarks run without them and the report says why. Install scripts are
 * not run: every peer ships built JavaScript.
 */
export async function ensurePeers(dir: string, install: boolean, log: (line: string) => void): Promise<Peers> {
  if (!existsSync(join(dir, 'node_modules'))) {
    if (!install) return { dir: null, versions: {}, note: 'peers not installed (--no-install given): Gatehouse rows only' };
    log(`installing the peers: npm ci --prefix ${dir}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const failure = await new Promise<string | null>((resolve) => {
      execFile(npm, ['ci', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund'], { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) =>
        resolve(error ? (stderr.trim().split('\n').slice(-3).join(' ') || error.message) : null),
      );
    });
    if (failure) return { dir: null, versions: {}, note: `peers not installed (npm ci --prefix bench/peers failed: ${failure}): Gatehouse rows only` };
  }
  const versions = installedVersions(dir);
  const listed = Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ');
  return { dir, versions, note: `bench/peers (pinned by its lockfile): ${listed}` };
}

/** The entry file of an installed peer package, for `require` from any directory, or null. */
export function peerModule(peers: Peers, name: string): string | null {
  if (!peers.dir || !peers.versions[name]) return null;
  try {
    return require.resolve(name, { paths: [peers.dir] });
  } catch {
    return null;
  }
}
